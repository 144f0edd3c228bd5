// Model solution: every value in 20 bits (A_i < 2^20), 20 N bits in all.
#include "courier.h"

void anna(int N, std::vector<int> A) {
    for (int x : A)
        for (int i = 19; i >= 0; --i) send_bit((x >> i) & 1);
}

std::vector<int> bruno(int N) {
    std::vector<int> values(N, 0);
    for (int& x : values)
        for (int i = 0; i < 20; ++i) x = 2 * x + receive_bit();
    return values;
}
