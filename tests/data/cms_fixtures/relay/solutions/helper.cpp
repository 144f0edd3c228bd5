// Not a labelled solution: no verdict in its name.
#include "relay.h"

long long relay(int index, long long value) { return index == 0 ? value + 1 : value + value; }
