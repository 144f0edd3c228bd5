#include "relay.h"

long long relay(int index, long long value) { return index == 0 ? value : value * 2; }
