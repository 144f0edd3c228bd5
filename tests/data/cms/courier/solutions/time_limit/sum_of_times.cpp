// The model solution, but each process first burns 0.7 s of CPU time. Each process alone stays
// under the 1 s limit; CMS charges the SUM over the user processes (1.4 s), so every test is a
// time limit exceeded and the score is 0.
#include <ctime>

#include "courier.h"

static void burn_cpu(double seconds) {
    volatile unsigned long long sink = 0;
    while ((double)clock() / CLOCKS_PER_SEC < seconds)
        for (int i = 0; i < 100000; ++i) sink = sink + (unsigned long long)i;
}

void anna(int N, std::vector<int> A) {
    burn_cpu(0.7);
    for (int x : A)
        for (int i = 19; i >= 0; --i) send_bit((x >> i) & 1);
}

std::vector<int> bruno(int N) {
    burn_cpu(0.7);
    std::vector<int> values(N, 0);
    for (int& x : values)
        for (int i = 0; i < 20; ++i) x = 2 * x + receive_bit();
    return values;
}
