#include "support/resulttable.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace spindle {

std::vector<ResultRow>& resultTable()
{
    static std::vector<ResultRow> rows;
    return rows;
}

void printResultTable()
{
    std::printf("\n%-78s %-34s %-28s %s\n", "figure", "measured", "goal", "");
    for (const ResultRow& r : resultTable()) {
        const char* verdict = r.pass < 0 ? "" : (r.pass != 0 ? "PASS" : "FAIL");
        std::printf("%-78s %-34s %-28s %s\n", r.figure.c_str(), r.value.c_str(), r.goal.c_str(), verdict);
    }
    double load[3] = {};
    if (getloadavg(load, 3) == 3)
        std::printf("\nload average at the end: %.2f %.2f %.2f (%u cores)\n", load[0], load[1], load[2],
            std::thread::hardware_concurrency());
}

std::string fmt(const char* format, double a, double b, double c)
{
    char buf[160];
    std::snprintf(buf, sizeof buf, format, a, b, c);
    return buf;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

} // namespace spindle
