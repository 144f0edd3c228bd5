# Python version of the monotonic-stack solution, O(N).
import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    b = list(map(int, data[1 : n + 1]))
    glow = 0
    stack: list[int] = []
    for i in range(n - 1, -1, -1):
        v = b[i]
        while stack and b[stack[-1]] <= v:
            stack.pop()
        glow += stack[-1] - i if stack else n - 1 - i
        stack.append(i)
    stack.clear()
    for i in range(n):
        v = b[i]
        while stack and b[stack[-1]] <= v:
            stack.pop()
        glow += i - stack[-1] if stack else i
        stack.append(i)
    print(glow)


main()
