// libFuzzer target: a session file's bytes, read as File > Open reads them,
// then everything the window and the command line derive from the runs read
// back (replay, report, trace, CSV summary). Any crash, sanitizer report,
// leak or hang here is a bug a damaged or hostile .spindle file could trigger.
//
// Every chunk carries a CRC-32, so random bytes would almost never get past
// the check. The target first recomputes the CRC of each chunk it can frame,
// the way a writer would have, so that mutations reach the payload parsers;
// the checksum-mismatch path itself is covered by tests/core/session_test.cpp.

#include "session/csvsummary.h"
#include "session/replay.h"
#include "session/report.h"
#include "session/sessionformat.h"
#include "session/sessionreader.h"
#include "session/traceexport.h"

#include <QByteArray>

#include <algorithm>
#include <cstdint>
#include <cstring>

using namespace spindle;
namespace fmt = spindle::sessionformat;

namespace {

void sealChunks(QByteArray& bytes)
{
    const auto size = static_cast<std::size_t>(bytes.size());
    std::size_t at = fmt::kHeaderBytes;
    while (size >= at && size - at >= fmt::kChunkHeaderBytes + 4) {
        char* chunk = bytes.data() + at;
        std::uint32_t length = 0;
        std::memcpy(&length, chunk + 4, sizeof length);
        if (length > fmt::kMaxPayload || size - at - fmt::kChunkHeaderBytes - 4 < length)
            return;
        const std::uint32_t crc = fmt::crc32(chunk, fmt::kChunkHeaderBytes + length);
        std::memcpy(chunk + fmt::kChunkHeaderBytes + length, &crc, sizeof crc);
        at += fmt::kChunkHeaderBytes + length + 4;
    }
}

// What the charts ask of a replay's model when they draw the whole run.
void drawAll(const TimelineModel& model)
{
    const std::int64_t t0 = model.originNs();
    const std::int64_t t1 = model.nowNs();
    if (t1 < t0)
        return;
    const std::int64_t pixelNs = std::max<std::int64_t>(1, t1 / 800 - t0 / 800); // 800 pixels, no overflow
    for (int lane = 0; lane < model.laneCount(); ++lane) {
        model.segments(lane, t0, t1, pixelNs);
        model.segmentAt(lane, t0 / 2 + t1 / 2);
        model.markers(lane, t0, t1);
        model.taskAt(lane, t0 / 2 + t1 / 2);
        model.frames(lane, t0, t1);
        model.longestFrameGapNs(lane);
        model.workerCpu(lane, t0, t1);
    }
    model.runCpu(t0, t1);
    for (int core = -1; core < model.coreCount(); ++core)
        model.coreCpu(core, t0, t1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    sealChunks(bytes);
    SessionReadReport report;
    QString error;
    const auto session = readSessionBytes(bytes, QStringLiteral("fuzz.spindle"), &report, &error);
    if (!session) {
        if (error.isEmpty())
            __builtin_trap(); // a refusal must say why
        return 0;
    }
    if (report.bytesUsed > report.fileBytes)
        __builtin_trap();
    for (const RunResultPtr& run : session->runs) {
        Replay replay(*run);
        replay.seek(replay.durationNs() / 2);
        drawAll(*replay.model());
        replay.seek(replay.durationNs());
        drawAll(*replay.model());
        replay.seek(0);
    }
    makeReport(scenarioIdOf(session->runs), session->runs);
    makeChromeTrace(session->runs);
    makeCsvSummary(session->runs);
    return 0;
}
