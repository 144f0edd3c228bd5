#include <vector>

// Returns {S, l, r}: S is the largest sum of a non-empty run A[l..r] of consecutive elements
// (0 <= l <= r < N) and l, r are the ends of one run with that sum.
std::vector<long long> best_run(std::vector<int> A);
