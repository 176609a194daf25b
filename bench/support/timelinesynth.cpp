#include "support/timelinesynth.h"

#include <QString>

#include <iterator>

namespace spindle {

TimelineSynth::TimelineSynth(int lanes, std::uint64_t seed)
    : m_rng(seed), m_lanes(static_cast<std::size_t>(lanes))
{
    for (std::size_t i = 0; i < m_lanes.size(); ++i)
        m_lanes[i].nextNs = kStartNs + gap();
}

EventBatchPtr TimelineSynth::next()
{
    auto b = std::make_shared<EventBatch>();
    b->runId = 1;
    b->sequence = m_sequence++;
    if (b->sequence == 0) {
        for (std::size_t i = 0; i < m_lanes.size(); ++i) {
            WorkerInfo w;
            w.id = static_cast<std::uint32_t>(i);
            w.name = QStringLiteral("thread %1").arg(i);
            w.pid = 4242;
            w.tid = static_cast<pid_t>(5000 + i);
            b->newWorkers.push_back(w);
        }
    }
    const std::int64_t end = m_batchEnd + kBatchNs;
    b->events.reserve(static_cast<std::size_t>(m_lanes.size() * 180));
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        LaneGen& l = m_lanes[i];
        const auto worker = static_cast<std::uint32_t>(i);
        while (l.nextNs < end) {
            const std::int64_t t = l.nextNs;
            if (l.state == WorkerState::Running)
                l.cpuNs += t - l.sinceNs;
            if (--l.untilTask <= 0) {
                if (l.inTask)
                    push(*b, Event {t, 7, worker, EventKind::TaskEnd, 0, 0});
                push(*b, Event {t, static_cast<std::int64_t>(m_events), worker, EventKind::TaskBegin, 0, 0});
                l.inTask = true;
                l.untilTask = 5 + static_cast<int>(m_rng() % 26);
            }
            l.state = pickState(l.state);
            l.sinceNs = t;
            push(*b, Event {t, 0, worker, EventKind::State, static_cast<std::uint8_t>(l.state), 0});
            l.nextNs = t + gap();
        }
    }
    for (; m_nextSampleNs <= end; m_nextSampleNs += kSampleNs) {
        for (std::size_t i = 0; i < m_lanes.size(); ++i) {
            b->threadCpu.push_back(ThreadCpuSample {
                m_nextSampleNs, static_cast<std::uint32_t>(i), m_lanes[i].cpuNs, m_lanes[i].cpuNs / 3});
        }
        for (std::int16_t core : {std::int16_t {0}, std::int16_t {1}})
            b->coreCpu.push_back(CoreCpuSample {m_nextSampleNs, core, 100.0f});
        b->coreCpu.push_back(CoreCpuSample {m_nextSampleNs, -1, 200.0f});
    }
    m_batchEnd = end;
    b->tNs = end;
    return b;
}

std::shared_ptr<TimelineModel> TimelineSynth::modelWith(std::uint64_t events)
{
    auto model = std::make_shared<TimelineModel>();
    model->setOriginNs(kStartNs);
    while (m_events < events)
        model->ingest(*next());
    return model;
}

std::int64_t TimelineSynth::gap()
{
    return 50'000 + static_cast<std::int64_t>(m_rng() % 150'001);
}

WorkerState TimelineSynth::pickState(WorkerState current)
{
    // About half the changes go back to running, as in a busy program.
    static constexpr WorkerState kOthers[] = {WorkerState::WaitingGil, WorkerState::WaitingCpu,
        WorkerState::Sleeping, WorkerState::BlockedIo, WorkerState::WaitingLock, WorkerState::WaitingQueue};
    if (current != WorkerState::Running)
        return WorkerState::Running;
    return kOthers[m_rng() % std::size(kOthers)];
}

void TimelineSynth::push(EventBatch& b, const Event& e)
{
    b.events.push_back(e);
    ++m_events;
}

} // namespace spindle
