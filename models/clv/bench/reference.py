"""Independent reference figures for models/clv, computed with numpy/scipy.

Run from the repository root (Debian's python3 has numpy, scipy, pandas):

    /usr/bin/python3 models/clv/bench/reference.py [path/to/CDNOW_master.txt]

It fits BG/NBD and Gamma-Gamma by maximum likelihood on the CDNOW summaries in
testdata/cdnow with scipy.optimize (Nelder-Mead on log-parameters, the
textbook formulas with scipy.special.hyp2f1 and gammaln, no Euler
transformation), prints the parameters, log-likelihoods and predictions that
the tests in models/clv (bgnbd_test.go, gammagamma_test.go, value_test.go) check, and, when the master file is given, times
the BG/NBD fit on the full 23,570-customer cohort for comparison with
BenchmarkFitBGNBDMaster.
"""
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

SUMMARY = "testdata/cdnow/cdnow_customers_summary_with_transactions.csv"


def bg_loglik(lp, x, tx, T):
    r, al, a, b = np.exp(lp)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(al)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(al + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(al + tx), -np.inf)
    return np.sum(a1 + a2 + np.logaddexp(a3, a4))


def gg_loglik(lp, x, m):
    p, q, g = np.exp(lp)
    return np.sum(gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g)
                  + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + g))


def fit(ll, start, *data):
    res = minimize(lambda p: -ll(p, *data), np.log(start), method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 50000, "maxfev": 50000})
    return np.exp(res.x), -res.fun


def cond_expected(params, t, x, tx, T):
    r, al, a, b = params
    z = t / (al + T + t)
    num = (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    return num * p_alive(params, x, tx, T)


def p_alive(params, x, tx, T):
    r, al, a, b = params
    if x == 0:
        return 1.0
    return 1 / (1 + a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x))


def main():
    s = pd.read_csv(SUMMARY)
    x, tx, T, m = (s[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "zbar"))
    bg, bg_ll = fit(bg_loglik, [1, 1, 1, 1], x, tx, T)
    print("BG/NBD r alpha a b = %.6f %.6f %.6f %.6f  LL = %.4f" % (*bg, bg_ll))
    rep = x > 0
    gg, gg_ll = fit(gg_loglik, [1, 1, 1], x[rep], m[rep])
    print("Gamma-Gamma p q gamma = %.6f %.6f %.6f  LL = %.4f  (%d repeat buyers)" % (*gg, gg_ll, rep.sum()))

    # Predictions at fixed published parameters, so that they do not depend
    # on the optimiser.
    params = (0.243, 4.414, 0.793, 2.426)
    print("predictions at r, alpha, a, b =", params)
    for cx, ctx, cT in [(0, 0, 38.86), (1, 1.71, 38.86), (2, 30.43, 38.86), (7, 29.43, 38.86), (26, 30.86, 31.0), (40, 10.0, 38.86)]:
        exps = ["%.10g" % cond_expected(params, t, cx, ctx, cT) for t in (1, 39, 52, 260, 520)]
        print("  x=%d t_x=%g T=%g  P(alive)=%.10g  E[Y(t)] t=1,39,52,260,520: %s" % (cx, ctx, cT, p_alive(params, cx, ctx, cT), " ".join(exps)))

    # Discounted value over 12 months of 4.345 weeks at 1% a month, as
    # lifetimes' customer_lifetime_value(freq="W") computes it.
    spend = (6.25, 3.74, 15.44)
    print("CLV at those parameters and p q gamma =", spend)
    for cx, ctx, cT, cm in [(0, 0, 38.86, 0), (2, 30.43, 38.86, 22.35), (7, 29.43, 38.86, 73.74)]:
        print("  x=%d t_x=%g T=%g zbar=%g  E[M]=%.10g  CLV=%.10g" % (cx, ctx, cT, cm, expected_spend(spend, cx, cm), clv(params, spend, cx, ctx, cT, cm)))

    if len(sys.argv) > 1:
        time_master(sys.argv[1])


def expected_spend(spend, x, m):
    p, q, g = spend
    w = p * x / (p * x + q - 1)
    return (1 - w) * g * p / (q - 1) + w * m


def clv(params, spend, x, tx, T, m, months=12, factor=4.345, d=0.01):
    value, prev = 0.0, 0.0
    for i in range(1, months + 1):
        cum = cond_expected(params, i * factor, x, tx, T)
        value += expected_spend(spend, x, m) * (cum - prev) / (1 + d) ** i
        prev = cum
    return value


def time_master(path):
    d = pd.read_csv(path, sep=r"\s+", skiprows=1, header=None, names=["id", "date", "n", "v"], dtype={"date": str})
    d["date"] = pd.to_datetime(d["date"], format="%Y%m%d")
    end = pd.Timestamp("1997-09-30")
    first = d.groupby("id")["date"].min()
    days = d[d["date"] <= end].groupby(["id", "date"]).size().reset_index()
    g = days.groupby("id")["date"]
    x = (g.size() - 1).to_numpy(dtype=float)
    tx = ((g.max() - first) / pd.Timedelta(days=7)).to_numpy()
    T = ((end - first) / pd.Timedelta(days=7)).to_numpy()
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        params, ll = fit(bg_loglik, [1, 1, 1, 1], x, tx, T)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print("master: %d customers; BG/NBD r alpha a b = %.6f %.6f %.6f %.6f LL = %.4f" % (len(x), *params, ll))
    print("master: scipy Nelder-Mead fit, best of 3: %.3f s" % best)


if __name__ == "__main__":
    main()
