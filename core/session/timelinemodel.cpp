#include "session/timelinemodel.h"

#include "model/intmath.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

namespace spindle {

namespace {

const WorkerInfo& emptyInfo()
{
    static const WorkerInfo info;
    return info;
}

} // namespace

TimelineModel::TimelineModel() : TimelineModel(Budget {})
{
}

TimelineModel::TimelineModel(const Budget& budget) : m_budget(budget)
{
    // Coarsening halves the older part: budgets below 4 would never settle.
    m_budget.segmentsPerLane = std::max<std::size_t>(m_budget.segmentsPerLane, 4);
    m_budget.tasksPerLane = std::max<std::size_t>(m_budget.tasksPerLane, 4);
    m_budget.framesPerLane = std::max<std::size_t>(m_budget.framesPerLane, 4);
    m_budget.pointsPerSeries = std::max<std::size_t>(m_budget.pointsPerSeries, 4);
}

void TimelineModel::clear()
{
    *this = TimelineModel(m_budget);
}

// ---------------------------------------------------------------- ingest

void TimelineModel::ingest(const EventBatch& batch)
{
    m_runId = batch.runId;
    for (const WorkerInfo& w : batch.newWorkers)
        addWorker(w);
    for (const Event& e : batch.events) {
        if (!m_firstNs || e.tNs < *m_firstNs)
            m_firstNs = e.tNs;
        m_nowNs = std::max(m_nowNs, e.tNs);
        apply(laneFor(e.worker), e);
    }
    m_eventCount += batch.events.size();

    if (!batch.threadCpu.empty()) {
        std::int64_t latest = 0;
        for (const ThreadCpuSample& s : batch.threadCpu) {
            addThreadSample(s);
            latest = std::max(latest, s.tNs);
        }
        m_runCpu.finalize(latest - kRunBinLagNs, m_budget.pointsPerSeries);
        m_nowNs = std::max(m_nowNs, latest);
    }
    for (const CoreCpuSample& c : batch.coreCpu) {
        const double pct = c.busyPct;
        m_cores[c.core < 0 ? -1 : c.core].append(CpuPoint {c.tNs, pct, pct, pct}, m_budget.pointsPerSeries);
        m_nowNs = std::max(m_nowNs, c.tNs);
    }
    m_nowNs = std::max(m_nowNs, batch.tNs);
    if (batch.last) {
        m_finished = true;
        m_runCpu.finalize(std::numeric_limits<std::int64_t>::max(), m_budget.pointsPerSeries);
    }
    if (m_layoutDirty)
        relayout();
}

TimelineModel::Lane& TimelineModel::laneFor(std::uint32_t worker)
{
    if (const auto it = m_byWorker.find(worker); it != m_byWorker.end())
        return m_lanes[it->second];
    // Events may arrive before the worker's side-table entry: a placeholder
    // lane keeps them and takes the name when the entry comes.
    Lane lane;
    lane.overview = LaneOverview(overviewBudget());
    lane.info.id = worker;
    lane.info.name = QStringLiteral("worker %1").arg(worker);
    m_byWorker.emplace(worker, m_lanes.size());
    m_lanes.push_back(std::move(lane));
    m_layoutDirty = true;
    return m_lanes.back();
}

void TimelineModel::addWorker(const WorkerInfo& info)
{
    laneFor(info.id).info = info;
    m_layoutDirty = true;
}

void TimelineModel::apply(Lane& lane, const Event& e)
{
    // A lane's events come in time order; a rare step back (two clocks read on
    // two sides of a ring) is pinned to the lane's latest time.
    const std::int64_t t = std::max(e.tNs, lane.lastNs);
    lane.lastNs = t;
    if (!lane.startNs)
        lane.startNs = t;
    switch (e.kind) {
    case EventKind::State:
        if (e.state < kWorkerStateCount)
            setState(lane, t, e.workerState());
        break;
    case EventKind::Exit:
        setState(lane, t, WorkerState::Exited);
        break;
    case EventKind::Crash:
        setState(lane, t, WorkerState::Crashed);
        break;
    case EventKind::TaskBegin: {
        TimelineTask task;
        task.beginNs = t;
        task.arg = e.arg;
        task.kind = static_cast<WorkloadKind>(std::min<int>(e.aux, kWorkloadKindCount - 1));
        if (lane.tasks.size() >= m_budget.tasksPerLane) {
            // Thin the older half: every other old task goes; recent ones stay whole.
            const std::size_t half = lane.tasks.size() / 2;
            std::size_t w = 0;
            for (std::size_t r = 0; r < half; r += 2)
                lane.tasks[w++] = lane.tasks[r];
            for (std::size_t r = half; r < lane.tasks.size(); ++r)
                lane.tasks[w++] = lane.tasks[r];
            lane.tasks.resize(w);
        }
        lane.tasks.push_back(task);
        break;
    }
    case EventKind::TaskEnd:
        if (!lane.tasks.empty() && lane.tasks.back().running()) {
            TimelineTask& task = lane.tasks.back();
            task.endNs = t;
            task.result = e.arg;
            task.cancelled = e.aux == 1;
            if (!task.cancelled)
                ++m_tasksDone;
        }
        break;
    case EventKind::Frame: {
        const std::int64_t since = lane.lastFrameNs.value_or(*lane.startNs);
        lane.maxFrameGapNs = std::max(lane.maxFrameGapNs, t - since);
        lane.lastFrameNs = t;
        ++lane.frameCount;
        if (lane.frames.size() >= m_budget.framesPerLane)
            lane.frames.erase(lane.frames.begin(),
                lane.frames.begin() + static_cast<std::ptrdiff_t>(lane.frames.size() / 2));
        lane.frames.push_back(t);
        break;
    }
    case EventKind::Spawn:
    case EventKind::Marker:
    case EventKind::SwitchRequest:
    case EventKind::GilSwitch:
    case EventKind::LoopLag:
        break;
    }
}

void TimelineModel::setState(Lane& lane, std::int64_t t, WorkerState state)
{
    if (state == WorkerState::Exited || state == WorkerState::Crashed) {
        if (!lane.endNs || state == WorkerState::Crashed)
            lane.endNs = t;
    }
    if (!lane.hasOpen) {
        lane.hasOpen = true;
        lane.openSinceNs = t;
        lane.openState = state;
        return;
    }
    if (state == lane.openState)
        return;
    if (t > lane.openSinceNs) {
        if (lane.segments.size() >= m_budget.segmentsPerLane)
            coarsenSegments(lane);
        lane.segments.push_back(Segment {lane.openSinceNs, t, t - lane.openSinceNs, lane.openState, false});
        lane.openSinceNs = t;
        lane.openState = state;
        updateOverview(lane);
        return;
    }
    // The open state lasted no time: drop it, and rejoin the segment before
    // it when that one already had the new state.
    if (!lane.segments.empty()) {
        const Segment& back = lane.segments.back();
        if (!back.mixed && back.state == state && back.endNs == t) {
            lane.openSinceNs = back.beginNs;
            lane.segments.pop_back();
        }
    }
    lane.openState = state;
}

void TimelineModel::coarsenSegments(Lane& lane) const
{
    // Pairwise merge of the older half: the count drops by a quarter, the
    // newest half keeps every state change.
    auto& s = lane.segments;
    const std::size_t half = (s.size() / 2) & ~std::size_t {1};
    std::size_t w = 0;
    for (std::size_t r = 0; r < half; r += 2)
        s[w++] = merged(s[r], s[r + 1]);
    for (std::size_t r = half; r < s.size(); ++r)
        s[w++] = s[r];
    s.resize(w);
}

std::size_t TimelineModel::overviewBudget() const
{
    return std::max<std::size_t>(64, m_budget.segmentsPerLane / 16);
}

void TimelineModel::updateOverview(Lane& lane)
{
    const auto& segs = lane.segments;
    if (segs.size() < 2 || segs[segs.size() - 2].beginNs < lane.overview.foldedToNs())
        return;
    lane.overview.fold(segs[segs.size() - 2]);
}

void TimelineModel::addThreadSample(const ThreadCpuSample& s)
{
    Lane& lane = laneFor(s.worker);
    if (lane.cpu < 0) {
        lane.cpu = static_cast<int>(m_threadCpu.size());
        m_threadCpu.emplace_back();
    }
    ThreadCpu& cpu = m_threadCpu[static_cast<std::size_t>(lane.cpu)];
    bool reused = false;
    if (cpu.haveBase && s.cpuNs < cpu.lastCpuNs) {
        // The counter went back: the id names another thread now. Its figures
        // start afresh.
        cpu.haveBase = false;
        reused = true;
    }
    cpu.lastCpuNs = s.cpuNs;
    if (!cpu.haveBase) {
        cpu.haveBase = true;
        if (!reused && lane.startNs && *lane.startNs < s.tNs) {
            // The counter starts at zero with the thread, and the lane's first
            // event is the thread's start: the first interval is not lost.
            cpu.baseNs = *lane.startNs;
            cpu.baseCpuNs = 0;
        } else {
            cpu.baseNs = s.tNs;
            cpu.baseCpuNs = s.cpuNs;
            return;
        }
    }
    if (s.tNs - cpu.baseNs < kMinCpuIntervalNs)
        return;
    const double pct
        = 100.0 * static_cast<double>(s.cpuNs - cpu.baseCpuNs) / static_cast<double>(s.tNs - cpu.baseNs);
    cpu.series.append(CpuPoint {s.tNs, pct, pct, pct}, m_budget.pointsPerSeries);
    m_runCpu.spread(cpu.baseNs, s.tNs, s.cpuNs - cpu.baseCpuNs);
    cpu.baseNs = s.tNs;
    cpu.baseCpuNs = s.cpuNs;
}

void TimelineModel::relayout()
{
    m_layoutDirty = false;
    // A group's place is its lowest worker id, so the first process stays on top.
    std::unordered_map<pid_t, std::uint32_t> groupKey;
    for (const Lane& l : m_lanes) {
        auto [it, inserted] = groupKey.emplace(l.info.pid, l.info.id);
        if (!inserted)
            it->second = std::min(it->second, l.info.id);
    }
    m_order.resize(m_lanes.size());
    for (std::size_t i = 0; i < m_order.size(); ++i)
        m_order[i] = i;
    std::sort(m_order.begin(), m_order.end(), [&](std::size_t a, std::size_t b) {
        const Lane& la = m_lanes[a];
        const Lane& lb = m_lanes[b];
        const std::uint32_t ga = groupKey[la.info.pid];
        const std::uint32_t gb = groupKey[lb.info.pid];
        if (ga != gb)
            return ga < gb;
        return la.info.id < lb.info.id;
    });
    m_position.assign(m_lanes.size(), -1);
    m_groupStart.assign(m_order.size(), false);
    m_groups = 0;
    for (std::size_t p = 0; p < m_order.size(); ++p) {
        m_position[m_order[p]] = static_cast<int>(p);
        const bool starts = p == 0 || m_lanes[m_order[p - 1]].info.pid != m_lanes[m_order[p]].info.pid;
        m_groupStart[p] = starts;
        m_groups += starts ? 1 : 0;
    }
    ++m_layoutVersion;
}

// ---------------------------------------------------------------- lanes

const TimelineModel::Lane* TimelineModel::laneAt(int lane) const
{
    if (lane < 0 || lane >= laneCount())
        return nullptr;
    return &m_lanes[m_order[static_cast<std::size_t>(lane)]];
}

const WorkerInfo& TimelineModel::laneInfo(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->info : emptyInfo();
}

int TimelineModel::laneOf(std::uint32_t worker) const
{
    const auto it = m_byWorker.find(worker);
    if (it == m_byWorker.end() || it->second >= m_position.size())
        return -1;
    return m_position[it->second];
}

bool TimelineModel::startsGroup(int lane) const
{
    return lane >= 0 && lane < laneCount() && m_groupStart[static_cast<std::size_t>(lane)];
}

int TimelineModel::groupCount() const
{
    return m_groups;
}

std::optional<std::int64_t> TimelineModel::laneStartNs(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->startNs : std::nullopt;
}

std::optional<std::int64_t> TimelineModel::laneEndNs(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->endNs : std::nullopt;
}

std::vector<int> TimelineModel::spinnerLanes() const
{
    std::vector<int> out;
    for (int i = 0; i < laneCount(); ++i) {
        if (laneInfo(i).role == WorkerRole::Spinner)
            out.push_back(i);
    }
    return out;
}

// ---------------------------------------------------------------- segments

std::vector<TimelineItem> TimelineModel::segments(
    int lane, std::int64_t t0, std::int64_t t1, std::int64_t pixelWidthNs) const
{
    std::vector<TimelineItem> out;
    const Lane* l = laneAt(lane);
    if (l == nullptr || t1 <= t0)
        return out;
    SegmentRunMerger run(pixelWidthNs);
    const auto sink = [&out](std::int64_t begin, std::int64_t end, bool mixed, const StateCover& cover) {
        out.push_back(TimelineItem {begin, end, cover.dominant(), mixed});
    };
    // The stored pieces overlapping [max(t0, from), t1).
    const auto range = [t0, t1](const auto& v, std::int64_t from) {
        const auto first = std::upper_bound(v.begin(), v.end(), std::max(t0, from),
            [](std::int64_t t, const auto& s) { return t < s.endNs; });
        const auto last = std::lower_bound(
            first, v.end(), t1, [](const auto& s, std::int64_t t) { return s.beginNs < t; });
        return std::pair {first, last};
    };

    // Zoomed out, the overview stands in for the segments it has folded in
    // wherever it holds far fewer pieces than they do over the view: an entry
    // costs a query a few times what a segment does (four shares to add, a
    // split at pixel boundaries), so a third as many is the break-even with
    // room to spare. Its grain must not exceed a pixel, so that a column is
    // made of whole entries but for the two at its edges. With fewer, the
    // segments themselves are read: exact, and cheap enough.
    const LaneOverview& ov = l->overview;
    auto [first, last] = range(l->segments, std::numeric_limits<std::int64_t>::min());
    // Unsigned: t1 - t0 can exceed what an int64 holds.
    const std::uint64_t span = static_cast<std::uint64_t>(t1) - static_cast<std::uint64_t>(t0);
    const std::uint64_t pixels = span / static_cast<std::uint64_t>(run.px()) + 1;
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    auto oFirst = ov.entries().end();
    auto oLast = ov.entries().end();
    bool useOverview = false;
    if (run.px() >= ov.grainNs() && !ov.entries().empty() && ov.entries().back().endNs > t0
        && static_cast<std::uint64_t>(last - first) > kOverviewMinDensity * pixels) {
        std::tie(oFirst, oLast) = range(ov.entries(), from);
        const std::int64_t ovEnd = ov.entries().back().endNs;
        // The segments it replaces: those of the view that end by its end.
        const auto replaced = std::upper_bound(
            first, last, ovEnd, [](std::int64_t t, const Segment& seg) { return t < seg.endNs; });
        useOverview = static_cast<std::uint64_t>(replaced - first)
            > kOverviewCostRatio * static_cast<std::uint64_t>(oLast - oFirst);
        if (useOverview) {
            from = ovEnd;
            std::tie(first, last) = range(l->segments, from);
        } else {
            oFirst = oLast = ov.entries().end();
        }
    }
    const auto visible = static_cast<std::uint64_t>((oLast - oFirst) + (last - first)) + 1;
    out.reserve(static_cast<std::size_t>(pixels >= visible ? visible : std::min(visible, 2 * pixels + 1)));

    for (auto it = oFirst; it != oLast; ++it)
        run.add(*it, sink);
    if (useOverview && first != last && first->beginNs < from) {
        // Coarsening may have merged a stored segment across the overview's end.
        Segment clipped = *first;
        clipped.beginNs = from;
        clipped.dominantNs = std::min(clipped.dominantNs, clipped.endNs - from);
        run.add(clipped, sink);
        ++first;
    }
    for (auto it = first; it != last; ++it)
        run.add(*it, sink);
    if (l->hasOpen) {
        const std::int64_t end = std::max(m_nowNs, l->openSinceNs);
        if (l->openSinceNs < t1 && end > t0 && end > l->openSinceNs)
            run.add(Segment {l->openSinceNs, end, end - l->openSinceNs, l->openState, false}, sink);
    }
    run.flush(sink);
    return out;
}

std::optional<TimelineItem> TimelineModel::segmentAt(int lane, std::int64_t t) const
{
    const Lane* l = laneAt(lane);
    if (l == nullptr)
        return std::nullopt;
    if (l->hasOpen && t >= l->openSinceNs) {
        const std::int64_t end = std::max(m_nowNs, l->openSinceNs);
        if (t > end)
            return std::nullopt;
        return TimelineItem {l->openSinceNs, end, l->openState, false};
    }
    const auto& segs = l->segments;
    auto it = std::upper_bound(
        segs.begin(), segs.end(), t, [](std::int64_t v, const Segment& s) { return v < s.endNs; });
    if (it == segs.end() || it->beginNs > t)
        return std::nullopt;
    return TimelineItem {it->beginNs, it->endNs, it->state, it->mixed};
}

std::size_t TimelineModel::storedSegments(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->segments.size() : 0;
}

std::size_t TimelineModel::storedOverview(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->overview.entries().size() : 0;
}

// ---------------------------------------------------------------- tasks

std::vector<TimelineMarker> TimelineModel::markers(
    int lane, std::int64_t t0, std::int64_t t1, std::size_t maxMarkers) const
{
    std::vector<TimelineMarker> out;
    const Lane* l = laneAt(lane);
    if (l == nullptr || t1 < t0 || maxMarkers == 0)
        return out;
    const auto& tasks = l->tasks;
    // Tasks of one worker never overlap, so their ends are ordered like their begins.
    auto first = std::lower_bound(tasks.begin(), tasks.end(), t0,
        [](const TimelineTask& task, std::int64_t t) { return !task.running() && task.endNs < t; });
    auto last = std::upper_bound(
        first, tasks.end(), t1, [](std::int64_t t, const TimelineTask& task) { return t < task.beginNs; });
    const std::size_t n = static_cast<std::size_t>(last - first);
    const std::size_t stride = std::max<std::size_t>(1, (2 * n + maxMarkers - 1) / maxMarkers);
    for (std::size_t i = 0; i < n; i += stride) {
        const TimelineTask& task = first[static_cast<std::ptrdiff_t>(i)];
        if (task.beginNs >= t0 && task.beginNs <= t1)
            out.push_back(TimelineMarker {task.beginNs, true, task.arg, task.kind});
        if (!task.running() && task.endNs >= t0 && task.endNs <= t1)
            out.push_back(TimelineMarker {task.endNs, false, task.result, task.kind});
    }
    return out;
}

std::optional<TimelineTask> TimelineModel::taskAt(int lane, std::int64_t t) const
{
    const Lane* l = laneAt(lane);
    if (l == nullptr)
        return std::nullopt;
    const auto& tasks = l->tasks;
    auto it = std::upper_bound(tasks.begin(), tasks.end(), t,
        [](std::int64_t v, const TimelineTask& task) { return v < task.beginNs; });
    if (it == tasks.begin())
        return std::nullopt;
    --it;
    if (it->running() || it->endNs >= t)
        return *it;
    return std::nullopt;
}

std::size_t TimelineModel::storedTasks(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->tasks.size() : 0;
}

// ---------------------------------------------------------------- frames

std::uint64_t TimelineModel::frameCount(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->frameCount : 0;
}

std::optional<std::int64_t> TimelineModel::lastFrameNs(int lane) const
{
    const Lane* l = laneAt(lane);
    return l != nullptr ? l->lastFrameNs : std::nullopt;
}

std::int64_t TimelineModel::longestFrameGapNs(int lane) const
{
    const Lane* l = laneAt(lane);
    if (l == nullptr || !l->startNs)
        return 0;
    const std::int64_t since = l->lastFrameNs.value_or(*l->startNs);
    const std::int64_t until = l->endNs.value_or(m_nowNs);
    return std::max(l->maxFrameGapNs, until - since);
}

std::vector<std::int64_t> TimelineModel::frames(
    int lane, std::int64_t t0, std::int64_t t1, std::size_t maxFrames) const
{
    std::vector<std::int64_t> out;
    const Lane* l = laneAt(lane);
    if (l == nullptr || maxFrames == 0)
        return out;
    auto first = std::lower_bound(l->frames.begin(), l->frames.end(), t0);
    auto last = std::upper_bound(first, l->frames.end(), t1);
    const std::size_t n = static_cast<std::size_t>(last - first);
    const std::size_t stride = std::max<std::size_t>(1, (n + maxFrames - 1) / maxFrames);
    for (std::size_t i = 0; i < n; i += stride)
        out.push_back(first[static_cast<std::ptrdiff_t>(i)]);
    return out;
}

// ---------------------------------------------------------------- CPU

std::vector<CpuPoint> TimelineModel::workerCpu(
    int lane, std::int64_t t0, std::int64_t t1, std::size_t maxPoints) const
{
    const Lane* l = laneAt(lane);
    if (l == nullptr || l->cpu < 0)
        return {};
    return m_threadCpu[static_cast<std::size_t>(l->cpu)].series.query(t0, t1, maxPoints);
}

std::vector<CpuPoint> TimelineModel::runCpu(std::int64_t t0, std::int64_t t1, std::size_t maxPoints) const
{
    return m_runCpu.series().query(t0, t1, maxPoints);
}

std::vector<CpuPoint> TimelineModel::coreCpu(
    int core, std::int64_t t0, std::int64_t t1, std::size_t maxPoints) const
{
    const auto it = m_cores.find(core < 0 ? -1 : core);
    if (it == m_cores.end())
        return {};
    return it->second.query(t0, t1, maxPoints);
}

int TimelineModel::coreCount() const
{
    return static_cast<int>(m_cores.size()) - (m_cores.count(-1) != 0 ? 1 : 0);
}

std::vector<int> TimelineModel::cpuLanes() const
{
    std::vector<int> out;
    for (int i = 0; i < laneCount(); ++i) {
        if (laneAt(i)->cpu >= 0)
            out.push_back(i);
    }
    return out;
}

std::size_t TimelineModel::storedCpuPoints(int lane) const
{
    const Lane* l = laneAt(lane);
    if (l == nullptr || l->cpu < 0)
        return 0;
    return m_threadCpu[static_cast<std::size_t>(l->cpu)].series.points.size();
}

TimelineModel::Segment TimelineModel::merged(const Segment& a, const Segment& b)
{
    Segment m = a;
    m.endNs = b.endNs;
    m.mixed = true;
    if (a.state == b.state) {
        m.dominantNs = a.dominantNs + b.dominantNs;
        m.mixed = a.mixed || b.mixed;
    } else if (b.dominantNs > a.dominantNs) {
        m.state = b.state;
        m.dominantNs = b.dominantNs;
    }
    return m;
}

} // namespace spindle
