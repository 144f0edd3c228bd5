#pragma once

#include <vector>

// Called exactly once, before any call to water().
void init(std::vector<int> H);

// Total amount of water held by the terraces L, L+1, ..., R (0 <= L <= R < N).
long long water(int L, int R);
