#pragma once
// The scaling sweep's figures (Fluent Python 2nd ed., fig. 19-2) as values:
// for every model and flavour swept, each worker count K with the wall time
// of each of its repeats, their median, the speed-up of that median over
// K = 1, the ideal speed-up of CPU-bound work - min(K, cores): one worker per
// core at most - and the count with the lowest median. The scaling scenario's
// report analysis and the window's scaling chart both read it, so the two
// cannot disagree; it is rebuilt from the finished runs after each one, which
// costs a few dozen results, never events.

#include "model/runresult.h"

#include <QList>

#include <algorithm>
#include <optional>
#include <vector>

namespace spindle {

struct ScalingPoint {
    int workers = 0;
    std::vector<double> wallsS; // each repeat's wall time, in the order they finished
    double medianS = 0;
    double minS = 0;
    double maxS = 0;
    std::optional<double> speedup; // median at K = 1 / this median; none without a K = 1 run
    std::optional<double> efficiency; // speed-up / K
    int idealSpeedup = 1; // min(K, cores)
    std::optional<double> idealS; // the K = 1 median / idealSpeedup
    bool best = false;
};

struct ScalingSeries {
    Model model = Model::Sequential;
    Flavour flavour = Flavour::Python;
    std::vector<ScalingPoint> points; // by worker count, ascending
    int bestIndex = 0; // into points: the lowest median, the fewest workers on a tie

    const ScalingPoint& best() const { return points[static_cast<std::size_t>(bestIndex)]; }
    // The point for K workers, or null.
    const ScalingPoint* at(int workers) const;
};

class ScalingSweep {
public:
    ScalingSweep() = default;
    // From the runs that succeeded, one series per model and flavour in the
    // order they first ran. cores: that of the runs (RunResult::cores, which
    // a session keeps), else this machine's.
    explicit ScalingSweep(const QList<RunResultPtr>& runs);

    const std::vector<ScalingSeries>& series() const { return m_series; }
    bool isEmpty() const { return m_series.empty(); }
    int cores() const { return m_cores; }
    // The highest worker count any series reached (0 when empty).
    int maxWorkers() const;
    // What CPU-bound work can gain from K workers here: one per core at most.
    int idealSpeedup(int workers) const { return std::clamp(workers, 1, m_cores); }

    static double median(std::vector<double> values);

private:
    std::vector<ScalingSeries> m_series;
    int m_cores = 1;
};

} // namespace spindle
