#pragma once
// The .spindle session file (docs/session-format.md): an 16-byte header, then
// chunks of [u32 type][u32 payload length][u64 run id][payload][u32 CRC-32 of
// all that precedes it in the chunk]. Little-endian. Appending chunks as a
// run goes keeps everything up to the last batch if the program dies, and a
// reader can stop at the first damaged chunk and keep all before it.

#include <cstddef>
#include <cstdint>

namespace spindle::sessionformat {

constexpr char kMagic[8] = {'S', 'P', 'I', 'N', 'D', 'L', 'E', 'S'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 16;      // magic, u32 version, u32 flags (0)
constexpr std::size_t kChunkHeaderBytes = 16; // type, length, run id
constexpr std::uint32_t kMaxPayload = 64u << 20;

enum class Chunk : std::uint32_t {
    RunBegin = 1,  // JSON: {"spec": ..., "start_ns": ...}
    Workers = 2,   // JSON array of worker infos
    Events = 3,    // packed events, 24 bytes each
    ThreadCpu = 4, // packed thread CPU samples, 28 bytes each
    CoreCpu = 5,   // packed core CPU samples, 14 bytes each
    RunEnd = 6,    // JSON: the run's result
};

// Times are CLOCK_MONOTONIC nanoseconds and CPU figures nanoseconds of CPU
// time: never negative, and below 2^62 (146 years) in any real recording.
// The reader refuses a chunk with one beyond that, so that the difference of
// any two of them fits in 64 bits.
constexpr std::int64_t kMaxTimeNs = std::int64_t {1} << 62;

constexpr std::size_t kEventBytes = 24;
constexpr std::size_t kThreadCpuBytes = 28;
constexpr std::size_t kCoreCpuBytes = 14;

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

} // namespace spindle::sessionformat
