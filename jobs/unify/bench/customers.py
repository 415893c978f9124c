#!/usr/bin/python3
"""The customer aggregates of segmint's unify step, done with pandas.

The side of the unify benchmark that a data team would write by hand: it
reads the same Online Retail II CSV export (pandas cannot read Parquet on
this machine: no pyarrow) and computes, per customer number, what
unified/customers holds: orders, returns, gross/returns/net revenue,
first and last order, recency and tenure, average order value, orders and
revenue in the last 30/90/365 days, days between orders, distinct products,
the country of the latest line and the lifecycle stage. Definitions are
segmint's (README, "unified/customers"), including the two error-level
quality rules of configs/local.yaml (invoice pattern, negative prices),
exact duplicate lines kept once, and money summed exactly as integers
(prices in ten-thousandths, as the config's decimal scale 4).

Usage:
    /usr/bin/python3 customers.py EXPORT.csv.gz --date 2010-12-09 [--out customers.csv]

It prints one summary line (customers, orders, net revenue, stages, seconds,
peak RSS) so that run.sh can set it beside segmint's figures.
"""

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

INVOICE_PATTERN = r"^[CA]?[0-9]{6}$"
WINDOWS = (30, 90, 365)
NEW_DAYS, ACTIVE_DAYS, DORMANT_DAYS = 30, 90, 180


def to_cents(millionths):
    """Rounds integer millionths half away from zero to cents."""
    m = np.asarray(millionths, dtype=np.int64)
    return np.sign(m) * ((np.abs(m) + 5_000) // 10_000)


def customers(path, end):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["ts"] = pd.to_datetime(df["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
    df = df[df["ts"] < end]
    # Error-level quality rules of the default config: refused lines are out.
    price = pd.to_numeric(df["Price"])
    df = df[df["Invoice"].str.match(INVOICE_PATTERN) & (price >= 0)]
    # Exact duplicate lines of the export are kept once.
    df = df.drop_duplicates(subset=["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price",
                                    "Customer ID", "Country"])
    df = df.assign(cust=df["Customer ID"].str.strip())
    df = df[df["cust"] != ""]
    qty = df["Quantity"].astype(np.int64).to_numpy()
    price4 = np.rint(pd.to_numeric(df["Price"]).to_numpy() * 10_000).astype(np.int64)
    value = qty * price4 * 100  # millionths, exact
    df = df.assign(value=value, absvalue=np.abs(value), cancelled=df["Invoice"].str.startswith("C"))

    inv = df.groupby(["cust", "Invoice"], sort=False).agg(
        ts=("ts", "min"), value=("value", "sum"), absvalue=("absvalue", "sum"), cancelled=("cancelled", "first"))
    inv = inv.reset_index()
    orders = inv[~inv["cancelled"]]
    returns = inv[inv["cancelled"]]

    out = pd.DataFrame(index=pd.Index(df["cust"].unique(), name="cust"))
    g = orders.groupby("cust")
    out["orders_count"] = g.size()
    out["gross"] = g["value"].sum()
    out["first_order_at"] = g["ts"].min()
    out["last_order_at"] = g["ts"].max()
    rg = returns.groupby("cust")
    out["return_orders"] = rg.size()
    out["returns"] = rg["absvalue"].sum()
    for days in WINDOWS:
        w = orders[orders["ts"] >= end - pd.Timedelta(days=days)].groupby("cust")
        out[f"orders_{days}d"] = w.size()
        out[f"revenue_{days}d"] = w["value"].sum()
    ints = ["orders_count", "return_orders", "gross", "returns"] + \
        [f"{k}_{d}d" for d in WINDOWS for k in ("orders", "revenue")]
    out[ints] = out[ints].fillna(0).astype(np.int64)

    kept = df[~df["cancelled"] & (df["StockCode"] != "")]
    out["distinct_products"] = kept.groupby("cust")["StockCode"].nunique()
    out["distinct_products"] = out["distinct_products"].fillna(0).astype(np.int64)
    # The country of the latest line (ties: the greatest name).
    lines = df[df["Country"] != ""].sort_values(["cust", "ts", "Country"])
    out["country"] = lines.groupby("cust")["Country"].last()

    day = pd.Timedelta(days=1)
    has = out["orders_count"] > 0
    out["recency_days"] = ((end - out["last_order_at"]) // day).astype("Int64")
    out["tenure_days"] = ((end - out["first_order_at"]) // day).astype("Int64")
    out["gross_revenue"] = to_cents(out["gross"])
    out["returns_value"] = to_cents(out["returns"])
    out["net_revenue"] = to_cents(out["gross"] - out["returns"])
    for d in WINDOWS:
        out[f"revenue_{d}d"] = to_cents(out[f"revenue_{d}d"])
    n = out["orders_count"].where(has, 1)
    aov = np.sign(out["gross"]) * ((np.abs(out["gross"]) * 2 + n * 10_000) // (2 * n * 10_000))
    out["avg_order_value"] = aov.where(has).astype("Int64")  # cents
    span = (out["last_order_at"] - out["first_order_at"]) / day
    out["avg_days_between_orders"] = (span / (out["orders_count"] - 1)).where(out["orders_count"] > 1)
    def cond(c):
        return c.to_numpy(dtype=bool, na_value=False)
    stage = np.select(
        [~has.to_numpy(), cond(out["tenure_days"] < NEW_DAYS), cond(out["recency_days"] <= ACTIVE_DAYS),
         cond(out["recency_days"] <= DORMANT_DAYS)],
        ["prospect", "new", "active", "dormant"], default="churned")
    out["lifecycle_stage"] = stage
    return out.drop(columns=["gross", "returns"]).sort_index()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("export")
    ap.add_argument("--date", default="2010-12-09", help="the run date D (data up to its end)")
    ap.add_argument("--out", help="write the customers as CSV here")
    args = ap.parse_args()
    start = time.perf_counter()
    end = pd.Timestamp(args.date) + pd.Timedelta(days=1)
    out = customers(args.export, end)
    elapsed = time.perf_counter() - start
    if args.out:
        out.to_csv(args.out)
    stages = " ".join(f"{k}={v}" for k, v in sorted(out["lifecycle_stage"].value_counts().items()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"pandas {pd.__version__}: customers={len(out)} orders={int(out['orders_count'].sum())} "
          f"net_revenue={int(out['net_revenue'].sum()) / 100:.2f} {stages} seconds={elapsed:.1f} peak_rss_mib={peak}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
