// testlib convention: checker input contestant_output answer; exit 0 = ok, 1 = wrong answer.
#include "testlib.h"

int main(int argc, char* argv[]) {
    registerTestlibCmd(argc, argv);
    long long want = ans.readLong();
    long long got = ouf.readLong();
    if (got != want) quitf(_wa, "expected %lld, found %lld", want, got);
    quitf(_ok, "correct");
}
