#include "charts/vectorstate.h"

namespace spindle {

void clearUpperVectorState()
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // vzeroupper only touches bits no SSE code or live value uses: safe at any
    // point of a function, and undefined only on a CPU without AVX.
    static const bool avx = __builtin_cpu_supports("avx");
    if (avx)
        asm volatile("vzeroupper");
#endif
}

VectorStateReset::VectorStateReset(QCustomPlot* plot, const QString& layer) : QCPLayerable(plot, layer)
{
    moveToLayer(this->layer(), true); // first on its layer
}

} // namespace spindle
