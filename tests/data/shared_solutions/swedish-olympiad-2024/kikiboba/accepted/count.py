s = input().strip()
b, k = s.count("b"), s.count("k")
print("none" if b == 0 and k == 0 else "boba" if b > k else "kiki" if k > b else "boki")
