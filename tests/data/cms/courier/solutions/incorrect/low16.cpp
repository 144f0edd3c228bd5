// Sends only the low 16 bits of every value: right when all A_i are 0 or 1 (subtask 1, 30 points),
// wrong as soon as a value reaches 2^16 (subtask 2).
#include "courier.h"

void anna(int N, std::vector<int> A) {
    for (int x : A)
        for (int i = 15; i >= 0; --i) send_bit((x >> i) & 1);
}

std::vector<int> bruno(int N) {
    std::vector<int> values(N, 0);
    for (int& x : values)
        for (int i = 0; i < 16; ++i) x = 2 * x + receive_bit();
    return values;
}
