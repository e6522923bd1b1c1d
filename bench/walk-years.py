#!/usr/bin/env python3
"""Walks imported proposals through the workflow over ptrackd's Unix socket,
as years of an office's work would: assign (one unit, a lead and co units,
or separate units), every unit signs, co units give their opinion, some are
extended or put under key supervision, the lead replies, the delegate gives
feedback (sometimes unsatisfied: a second round), and later in their life
edits of their tags, supplementary replies and reopened cases.

    python3 bench/walk-years.py SOCKET FIRST LAST CURRENT [PROCESSES THREADS]

Proposals FIRST..LAST are walked; those after CURRENT (the current year's)
stop at a state drawn at random (submitted, assigned, handling, replied or
closed), the others end closed. Fixed seeds. Prints the writes done and
refused (a few replies of separate-mode proposals are refused: the workflow
moves them to replied after the first unit's reply).
"""
import json
import random
import sys
import threading
import time
from multiprocessing import Process, Queue

from unixhttp import UnixHTTP

UNITS = ["省发展改革委", "省教育厅", "省科技厅", "省工业和信息化厅", "省公安厅", "省民政厅", "省司法厅", "省财政厅",
         "省人力资源社会保障厅", "省自然资源厅", "省生态环境厅", "省住房城乡建设厅", "省交通运输厅", "省水利厅",
         "省农业农村厅", "省商务厅", "省文化和旅游厅", "省卫生健康委", "省退役军人事务厅", "省应急管理厅",
         "省审计厅", "省国资委", "省市场监管局", "省体育局", "省统计局", "省医保局", "省林草局", "省能源局",
         "省乡村振兴局", "省地方金融监管局", "省营商环境局", "省数据局", "省粮食和储备局", "省药监局", "省信访局",
         "省残联", "省妇联", "团省委", "省总工会", "省科协", "国网山西电力", "省高速集团", "省交控集团", "太原铁路局",
         "省气象局", "省通信管理局", "省税务局", "人行太原中心支行", "省邮政管理局", "省烟草专卖局",
         "太原市人民政府", "大同市人民政府", "长治市人民政府", "晋城市人民政府", "运城市人民政府", "临汾市人民政府",
         "吕梁市人民政府", "晋中市人民政府", "忻州市人民政府", "朔州市人民政府"]
TAGS = ["民生", "环保", "教育", "医疗", "交通", "经济", "农业", "养老", "就业", "住房", "重点", "跟踪", "年度督办"]


def walk(sock, ids, current, seed, out):
    rnd = random.Random(seed)
    c = UnixHTTP(sock)
    st = {"ok": 0, "refused": 0, "why": {}}

    def req(method, path, body=None):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = ("application/merge-patch+json" if method == "PATCH"
                                       else "application/json")
        c.request(method, path, data, headers)
        r = c.getresponse()
        text = r.read()
        if r.status == 200:
            if method != "GET":
                st["ok"] += 1
            return json.loads(text)
        st["refused"] += 1
        k = "%s %s: %d %s" % (method, path.rsplit("/", 1)[-1], r.status, text[:90].decode(errors="replace"))
        st["why"][k] = st["why"].get(k, 0) + 1
        return None

    def act(pid, action, body):
        return req("POST", "/v1/proposals/%d/actions/%s" % (pid, action), body)

    def first_life(pid):
        """Assigned, handled, replied, rated; returns the units, the mode."""
        stop = "closed"
        if pid > current:
            stop = rnd.choices(["submitted", "assigned", "handling", "replied", "closed"],
                               [15, 15, 35, 15, 20])[0]
        if stop == "submitted":
            if rnd.random() < 0.2:
                act(pid, "supervise", {"key_supervision": True, "supervisor": "常委会办公厅"})
            return [], None
        mode = rnd.choices(["single", "lead_co", "separate"], [50, 40, 10])[0]
        us = rnd.sample(UNITS, {"single": 1, "lead_co": rnd.randint(2, 3), "separate": 2}[mode])
        role = lambda i: "separate" if mode == "separate" else ("lead" if i == 0 else "co")
        if not act(pid, "assign", {"mode": mode, "units": [{"name": u, "role": role(i)}
                                                           for i, u in enumerate(us)], "note": "交办"}):
            return [], None
        if rnd.random() < 0.1:
            act(pid, "supervise", {"key_supervision": True, "supervisor": "常委会办公厅"})
        if stop == "assigned":
            return us, mode
        for u in us:
            act(pid, "sign", {"unit": u})
        if mode == "lead_co":
            for u in us[1:]:
                act(pid, "opinion", {"unit": u, "opinion": "同意主办单位意见，建议加大支持力度。"})
        if rnd.random() < 0.08:
            due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 150 * 86400))
            act(pid, "extend", {"due_at": due, "note": "情况复杂，申请延期"})
        if stop == "handling":
            return us, mode
        rounds = 2 if rnd.random() < 0.07 else 1
        for r in range(rounds):
            for u in (us if mode == "separate" else us[:1]):
                act(pid, "reply", {"unit": u, "doc_no": "晋%s函〔%d〕%d号" % (u[1:3], 2016 + pid % 10, pid % 997),
                                   "category": rnd.choice("AABBBCD"),
                                   "text": "关于您提出的建议，我们高度重视，经认真研究，现答复如下：" +
                                           "一、加大投入；二、完善机制；三、强化督查。" * 3})
            if stop == "replied" and r == rounds - 1:
                break
            sat = "unsatisfied" if r < rounds - 1 else rnd.choice(["satisfied", "satisfied", "basically_satisfied"])
            p = req("GET", "/v1/proposals/%d" % pid)
            act(pid, "feedback", {"person": (p or {}).get("lead_author") or "代表", "satisfaction": sat,
                                  "comment": "答复不够具体" if sat == "unsatisfied" else "感谢答复"})
        return us, mode

    for pid in ids:
        us, mode = first_life(pid)
        # Later in its life: its tags edited; when closed, supplementary
        # replies, and some reopened for a second answer.
        for _ in range(rnd.choice([1, 1, 2])):
            req("PATCH", "/v1/proposals/%d" % pid, {"tags": rnd.sample(TAGS, rnd.randint(1, 3))})
        p = req("GET", "/v1/proposals/%d" % pid)
        if not us or not p or p["status"] != "closed":
            continue
        for _ in range(rnd.choice([0, 0, 0, 1, 1, 2])):
            act(pid, "follow_up", {"unit": us[0], "doc_no": "补%d号" % pid, "category": "A",
                                   "text": "补充答复：最新进展如下。"})
        if rnd.random() < 0.15 and mode != "separate":
            act(pid, "reopen", {"reason": "代表再次反映"})
            act(pid, "reply", {"unit": us[0], "doc_no": "再%d号" % pid, "category": "B",
                               "text": "再次答复：" + "已协调解决。" * 5})
            act(pid, "feedback", {"person": p.get("lead_author") or "代表", "satisfaction": "satisfied",
                                  "comment": "满意"})
    out.put(st)


def process(sock, ids, current, nthreads, seed, out):
    q = Queue()
    ts = [threading.Thread(target=walk, args=(sock, ids[t::nthreads], current, seed * 100 + t, q))
          for t in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put(merge(q.get() for _ in ts))


def merge(parts):
    tot = {"ok": 0, "refused": 0, "why": {}}
    for s in parts:
        tot["ok"] += s["ok"]
        tot["refused"] += s["refused"]
        for k, v in s["why"].items():
            tot["why"][k] = tot["why"].get(k, 0) + v
    return tot


def main():
    sock, first, last, current = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    nproc = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    nthreads = int(sys.argv[6]) if len(sys.argv) > 6 else 24
    ids = list(range(first, last + 1))
    q = Queue()
    t0 = time.time()
    ps = [Process(target=process, args=(sock, ids[i::nproc], current, nthreads, i + 1, q)) for i in range(nproc)]
    for p in ps:
        p.start()
    tot = merge(q.get() for _ in ps)
    for p in ps:
        p.join()
    dt = time.time() - t0
    print("walk-years: %d writes in %.0f s (%.0f/s), %d refused" % (tot["ok"], dt, tot["ok"] / dt, tot["refused"]))
    for k, v in sorted(tot["why"].items(), key=lambda x: -x[1])[:5]:
        print("  %d x %s" % (v, k))


if __name__ == "__main__":
    main()
