#include "model/scalingsweep.h"

#include <algorithm>
#include <map>
#include <thread>

namespace spindle {

const ScalingPoint* ScalingSeries::at(int workers) const
{
    for (const ScalingPoint& p : points) {
        if (p.workers == workers)
            return &p;
    }
    return nullptr;
}

double ScalingSweep::median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

ScalingSweep::ScalingSweep(const QList<RunResultPtr>& runs)
{
    int cores = 0;
    using Key = std::pair<Model, Flavour>;
    std::vector<std::pair<Key, std::map<int, std::vector<double>>>> byKey;
    for (const RunResultPtr& r : runs) {
        if (!r || !r->succeeded())
            continue;
        cores = std::max(cores, r->cores);
        const Key key {r->spec.model, r->spec.flavour};
        auto it = std::find_if(byKey.begin(), byKey.end(), [&](const auto& s) { return s.first == key; });
        if (it == byKey.end())
            it = byKey.insert(byKey.end(), {key, {}});
        it->second[r->workerCount].push_back(r->wallS());
    }
    m_cores = cores > 0 ? cores : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    for (const auto& [key, walls] : byKey) {
        ScalingSeries s;
        s.model = key.first;
        s.flavour = key.second;
        for (const auto& [k, w] : walls) {
            ScalingPoint p;
            p.workers = k;
            p.wallsS = w;
            p.medianS = median(w);
            const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
            p.minS = *lo;
            p.maxS = *hi;
            p.idealSpeedup = idealSpeedup(k);
            s.points.push_back(std::move(p));
        }
        const ScalingPoint* one = s.at(1);
        for (std::size_t i = 0; i < s.points.size(); ++i) {
            ScalingPoint& p = s.points[i];
            if (one != nullptr && p.medianS > 0) {
                p.speedup = one->medianS / p.medianS;
                p.efficiency = *p.speedup / p.workers;
            }
            if (one != nullptr)
                p.idealS = one->medianS / p.idealSpeedup;
            if (p.medianS < s.points[static_cast<std::size_t>(s.bestIndex)].medianS)
                s.bestIndex = static_cast<int>(i);
        }
        s.points[static_cast<std::size_t>(s.bestIndex)].best = true;
        m_series.push_back(std::move(s));
    }
}

int ScalingSweep::maxWorkers() const
{
    int k = 0;
    for (const ScalingSeries& s : m_series) {
        if (!s.points.empty())
            k = std::max(k, s.points.back().workers);
    }
    return k;
}

} // namespace spindle
