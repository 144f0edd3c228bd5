// CMS Communication manager: argv = (user0->manager, manager->user0, user1->manager, manager->user1);
// the test input on stdin; the test's score on stdout and a message on stderr.
#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 5) return 1;
    long long x;
    if (std::scanf("%lld", &x) != 1) return 1;
    FILE* to0 = std::fopen(argv[2], "w");
    FILE* from0 = std::fopen(argv[1], "r");
    std::fprintf(to0, "%lld\n", x);
    std::fflush(to0);
    long long y;
    bool ok = std::fscanf(from0, "%lld", &y) == 1;
    FILE* to1 = std::fopen(argv[4], "w");
    FILE* from1 = std::fopen(argv[3], "r");
    std::fprintf(to1, "%lld\n", ok ? y : 0);
    std::fflush(to1);
    long long z;
    ok = ok && std::fscanf(from1, "%lld", &z) == 1 && z == 2 * (x + 1);
    std::printf("%s\n", ok ? "1.0" : "0.0");
    std::fprintf(stderr, "%s\n", ok ? "Output is correct" : "Output isn't correct");
    return 0;
}
