#!/usr/bin/env python3
"""Writes N proposals twice, as JSON lines (for POST /v1/imports?format=jsonl)
and as the same rows in CSV (for the sqlite3 shell's .import), so that the
two imports of bench/import-vs-sqlite.sh move the same data.

    python3 bench/gen-proposals.py N OUT.jsonl OUT.csv

The data is Chinese, shaped like a session's suggestions: a number unique in
its session, a title, a delegation, a lead author and co-signers, a
background of a few sentences, two or three asks and tags. It is made from a
fixed seed, so every run writes the same files.
"""
import csv
import json
import random
import sys

DELEGATIONS = ["山西代表团", "河北代表团", "四川代表团", "广东代表团", "山东代表团", "陕西代表团"]
TOPICS = ["农村饮水安全", "城市垃圾分类", "基层医疗卫生", "中小企业融资", "黄河流域生态保护",
          "职业教育发展", "农村公路提档升级", "养老服务体系", "数字经济", "粮食安全"]
VERBS = ["加强", "推进", "完善", "加快", "支持"]
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周芳", "吴强"]
TAGS = ["民生", "环保", "教育", "医疗", "交通", "经济", "农业"]


def main():
    n, jsonl_path, csv_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rnd = random.Random(20260305)
    cols = ["number", "kind", "session", "title", "background", "recommendations",
            "lead_author", "co_signers", "delegation", "tags"]
    with open(jsonl_path, "w", encoding="utf-8") as jf, \
            open(csv_path, "w", encoding="utf-8", newline="") as cf:
        w = csv.writer(cf)
        w.writerow(cols)
        for i in range(1, n + 1):
            topic = rnd.choice(TOPICS)
            p = {
                "number": "%06d" % i,
                "kind": "suggestion",
                "session": "十四届全国人大四次会议",
                "title": "关于%s%s的建议（%d）" % (rnd.choice(VERBS), topic, i),
                "background": ("近年来，%s工作取得积极进展，但仍存在投入不足、机制不健全、"
                               "基层力量薄弱等问题，群众反映较为强烈。" % topic) * 2,
                "recommendations": ["一是加大财政投入力度", "二是健全长效管护机制",
                                    "三是强化督促检查"][: rnd.randint(2, 3)],
                "lead_author": rnd.choice(NAMES),
                "co_signers": rnd.sample(NAMES, 3),
                "delegation": rnd.choice(DELEGATIONS),
                "tags": rnd.sample(TAGS, 2),
            }
            jf.write(json.dumps(p, ensure_ascii=False, separators=(",", ":")) + "\n")
            w.writerow([p[c] if isinstance(p[c], str) else "、".join(p[c]) for c in cols])


if __name__ == "__main__":
    main()
