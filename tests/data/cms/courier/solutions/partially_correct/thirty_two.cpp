// Every value in 32 bits: correct, but 32 N bits only earn half of each test. Score 50.
#include "courier.h"

void anna(int N, std::vector<int> A) {
    for (int x : A)
        for (int i = 31; i >= 0; --i) send_bit((int)(((unsigned)x >> i) & 1u));
}

std::vector<int> bruno(int N) {
    std::vector<int> values(N);
    for (int& x : values) {
        unsigned v = 0;
        for (int i = 0; i < 32; ++i) v = 2 * v + (unsigned)receive_bit();
        x = (int)v;
    }
    return values;
}
