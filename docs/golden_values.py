#!/usr/bin/env python3
"""Recomputes the golden energies and sizes of docs/method.md from the reference formulas.

An independent transcription (plain Python, no emomc4j code): VGG-16 CIFAR shapes written out by
hand, the energy table and size formulas of docs/method.md. Run: python3 docs/golden_values.py
"""
import math

# (C_in, C_out, output map side) of the 13 convolutions, then the FC layer 512 -> 10
CONV = [(3, 64, 32), (64, 64, 32), (64, 128, 16), (128, 128, 16), (128, 256, 8), (256, 256, 8), (256, 256, 8),
        (256, 512, 4), (512, 512, 4), (512, 512, 4), (512, 512, 2), (512, 512, 2), (512, 512, 2)]
FC = (512, 10)
E_MAC, E_READ, E_WRITE, K = 0.102, 0.728, 0.447, 3


def energy_mj(r, b, df):
    e = 0.0
    for ci, co, side in CONV:
        s = side * side
        mac = K * K * s * ci * co
        if df == "XY":
            ifm, w, wr, rd, fif, fo = mac, mac / s, mac / (K * K * ci), 0, r, 1
        elif df == "ICOC":
            ifm, w, wr = mac / co, mac, mac / ci
            rd = wr
            fif = 1 if co > 24 else 1 - (1 - r) ** co
            fo = 1 if ci > 24 else 1 - (1 - r) ** ci
        elif df == "FXFY":
            ifm, w, wr = mac, mac / s, mac / (K * K)
            rd, fif, fo = wr, r, 1 - (1 - r) ** (K * K)
        else:  # XFX
            ifm, w, wr = mac / K, mac / math.sqrt(s), mac / K
            rd = wr
            fif = fo = 1 - (1 - r) ** K
        e += E_MAC * mac * r * (b + 1) + E_READ * w * (b + 1) / 16 + E_READ * ifm * fif + E_WRITE * wr * fo + E_READ * rd * fo
    mac = FC[0] * FC[1]
    e += E_MAC * mac * r * (b + 1) + E_READ * mac * (b + 1) / 16 + E_READ * mac * r + E_WRITE * FC[1]
    return e / 1e8


def size_kib(r, b, coding):
    bits = 0.0
    for n in [K * K * ci * co for ci, co, _ in CONV] + [FC[0] * FC[1]]:
        bits += {"dense": n * b, "csr": n * (b + 3) * r, "coo": n * round(b + math.log2(n)) * r}[coding]
    return bits / 8192


if __name__ == "__main__":
    print("| r | bits | E X|Y | E IC|OC | E Fx|Fy | E X|Fx | dense | CSR | COO |")
    for r, b in [(1.0, 32), (0.2, 2), (0.5, 4)]:
        es = [f"{energy_mj(r, b, d):.6f}" for d in ("XY", "ICOC", "FXFY", "XFX")]
        ss = [f"{size_kib(r, b, c):.4f}" for c in ("dense", "csr", "coo")]
        print(f"| {r} | {b} | " + " | ".join(es + ss) + " |")
