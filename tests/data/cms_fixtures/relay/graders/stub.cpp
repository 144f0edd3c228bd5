// CMS Communication stub (fifo_io): argv = from-manager FIFO, to-manager FIFO, process index.
#include <cstdio>
#include <cstdlib>
#include "relay.h"

int main(int argc, char** argv) {
    if (argc < 4) return 1;
    FILE* in = std::fopen(argv[1], "r");
    FILE* out = std::fopen(argv[2], "w");
    int index = std::atoi(argv[3]);
    long long value;
    if (!in || !out || std::fscanf(in, "%lld", &value) != 1) return 1;
    std::fprintf(out, "%lld\n", relay(index, value));
    std::fflush(out);
    return 0;
}
