// Test main for suites that need only QtCore: a QCoreApplication so queued
// signals and QSignalSpy::wait work.
#include <QCoreApplication>

#include <gtest/gtest.h>

#include <thread>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    // ThreadSanitizer starts a helper thread of its own at the first thread
    // creation; start it now, so tests that count threads before and after a
    // run do not take it for a thread the run left behind.
    std::thread([] {}).join();
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
