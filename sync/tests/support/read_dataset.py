# Reads a method's folder of a dataapi dataset with a reader that is not ours, and prints one
# JSON line per row (the partition column `date` included), sorted by the columns named, with
# times as "YYYY-MM-DD hh:mm:ss" and decimals as text.
#
#   python3 read_dataset.py pyarrow|duckdb DIR/get.calls_report id[,leg_id]
#
# A path s3://bucket/prefix/… is read from the S3-compatible server at $S3_ENDPOINT with the
# credentials of $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY and $AWS_REGION (pyarrow only).
import datetime
import os
import decimal
import json
import sys

engine, path, order = sys.argv[1], sys.argv[2], sys.argv[3].split(",")


def plain(v):
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


if engine == "pyarrow":
    import pyarrow.dataset as ds

    fs = None
    if path.startswith("s3://"):
        from pyarrow.fs import S3FileSystem

        endpoint = os.environ["S3_ENDPOINT"]
        fs = S3FileSystem(
            endpoint_override=endpoint.split("://", 1)[1],
            scheme=endpoint.split("://", 1)[0],
            access_key=os.environ["AWS_ACCESS_KEY_ID"],
            secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            region=os.environ["AWS_REGION"],
        )
        path = path[len("s3://"):]
    rows = ds.dataset(path, format="parquet", partitioning="hive", filesystem=fs).to_table().to_pylist()
elif engine == "duckdb":
    import duckdb

    rel = duckdb.sql(
        f"select * from read_parquet('{path}/*/*.parquet', hive_partitioning = true, union_by_name = true)"
    )
    names = rel.columns
    rows = [dict(zip(names, r)) for r in rel.fetchall()]
else:
    sys.exit(f"no engine {engine}")

rows = [{k: plain(v) for k, v in r.items()} for r in rows]
rows.sort(key=lambda r: [r[k] for k in order])
for r in rows:
    print(json.dumps(r, sort_keys=True))
