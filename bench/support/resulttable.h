#pragma once
// The closing table a benchmark program prints (scripts/bench reads the
// counters, people read this): every figure with its goal, filled in as the
// parts run, and the small helpers that format its cells.

#include <string>
#include <vector>

namespace spindle {

struct ResultRow {
    std::string figure;
    std::string value;
    std::string goal;
    int pass = -1; // -1 = for information, no goal
};

// The program's one table.
std::vector<ResultRow>& resultTable();
// Prints it, and the load average at the end.
void printResultTable();
// printf into a string, for up to three figures.
std::string fmt(const char* format, double a, double b = 0, double c = 0);
// The p-quantile (0..1) of v, nearest rank; 0 for none.
double percentile(std::vector<double> v, double p);

} // namespace spindle
