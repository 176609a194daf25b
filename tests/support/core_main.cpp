// Test main for suites that need only QtCore: a QCoreApplication so queued
// signals and QSignalSpy::wait work.
#include <QCoreApplication>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    // ThreadSanitizer starts a helper thread of its own at the first thread
    // creation; start it now, so tests that count threads before and after a
    // run do not take it for a thread the run left behind.
    pid_t tid = 0;
    std::thread([&tid] { tid = gettid(); }).join();
    // join() returns once the thread's tid is cleared, which the kernel does
    // before it takes the task out of /proc/self/task: a test counting threads
    // at once could count it (seen on CI). Wait, boundedly, until it is gone.
    const std::string task = "/proc/self/task/" + std::to_string(tid);
    for (int i = 0; i < 1000 && std::filesystem::exists(task); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
