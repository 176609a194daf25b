// spindle-worker: the child side of the processes model. It is started by the
// engine (posix_spawn, or forked by `spindle-worker --fork-server`), never by
// hand; run with --help it says so.

#include <cstdio>
#include <cstring>

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("spindle-worker %s\n", SPINDLE_VERSION);
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::printf("Usage: spindle-worker --version | --help\n"
                        "The child side of Spindle's processes model; the engine starts it.\n");
            return 0;
        }
    }
    std::fprintf(stderr,
                 "spindle-worker: unknown or missing argument%s%s; allowed: --version, --help "
                 "(the process models are started by the spindle engine)\n",
                 argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
    return 2;
}
