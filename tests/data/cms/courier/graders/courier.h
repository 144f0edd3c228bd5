#include <vector>

// Implemented by the contestant. Process 0 runs anna, process 1 runs bruno, at the same time.
void anna(int N, std::vector<int> A);
std::vector<int> bruno(int N);

// Provided by the stub.
void send_bit(int bit);  // anna only: bit is 0 or 1
int receive_bit();       // bruno only: the next bit anna sent, or -1 once anna finished and all were read
