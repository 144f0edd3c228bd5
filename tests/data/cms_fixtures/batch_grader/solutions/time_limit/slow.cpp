#include "addsum.h"

// Counts one by one, four times over: about 1.6e10 steps on the big tests (several seconds of CPU).
// volatile keeps the compiler from folding the loop.
long long add_all(std::vector<int> a) {
    volatile long long s = 0;
    for (int rep = 0; rep < 4; rep++)
        for (int x : a)
            for (long long i = 0; i < (x < 0 ? -(long long)x : x); i++) s = s + (x < 0 ? -1 : 1);
    return s / 4;
}
