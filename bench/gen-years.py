#!/usr/bin/env python3
"""Writes N proposals as JSON lines, shaped like ten years of a provincial
people's congress: ten yearly sessions (numbers 2016xxxx .. 2025xxxx), more
proposals each year, 40 topics in 11 places, 3,000 delegates, 13
delegations, 10 categories, 30 tags. Fixed seed, so every run writes the
same file. bench/aged-store.sh imports it and ages it.

    python3 bench/gen-years.py N OUT.jsonl
"""
import json
import random
import sys

rnd = random.Random(7)
SUR = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIV = "建国秀英伟洋静帆敏磊芳强军丽娟勇艳杰涛明超霞平刚桂兰华红玉梅志文斌海燕鹏飞云辉春宇晨浩然欣怡子轩"
names = sorted({rnd.choice(SUR) + "".join(rnd.sample(GIV, rnd.choice([1, 2]))) for _ in range(4000)})[:3000]
DELEG = ["太原代表团", "大同代表团", "阳泉代表团", "长治代表团", "晋城代表团", "朔州代表团", "晋中代表团",
         "运城代表团", "忻州代表团", "临汾代表团", "吕梁代表团", "解放军代表团", "省直代表团"]
CATS = ["农业农村", "工业经济", "城乡建设", "教育科技", "医疗卫生", "社会保障", "生态环境", "交通运输", "政法", "其他"]
TAGS = ["民生", "环保", "教育", "医疗", "交通", "经济", "农业", "养老", "就业", "住房", "文旅", "科技", "安全生产",
        "乡村振兴", "营商环境", "水利", "能源", "数字化", "食品安全", "体育", "托育", "残疾人", "退役军人", "社区治理",
        "物业", "供暖", "燃气", "电网", "公交", "停车"]
AREAS = ["农村饮水安全", "城市垃圾分类", "基层医疗卫生", "中小企业融资", "黄河流域生态保护", "职业教育发展",
         "农村公路提档升级", "养老服务体系", "数字经济", "粮食安全", "老旧小区改造", "城市停车难", "冬季清洁取暖",
         "义务教育均衡", "学前教育普惠", "乡村医生队伍", "煤矿安全生产", "文旅融合发展", "高速公路服务区",
         "县域医共体", "公共文化服务", "残疾人就业", "退役军人安置", "社区养老驿站", "城市内涝治理",
         "地下管网改造", "农产品冷链物流", "科技成果转化", "民营经济发展", "食品安全监管", "全民健身设施",
         "托育服务供给", "河湖长制落实", "汾河生态修复", "太行山旅游公路", "新能源汽车充电", "电网改造升级",
         "农村寄宿制学校", "乡镇卫生院建设", "集体林权改革"]
PLACES = ["", "太原市", "大同市", "长治市", "晋城市", "运城市", "临汾市", "吕梁山区", "革命老区", "采煤沉陷区", "城乡结合部"]
VERBS = ["加强", "推进", "完善", "加快", "支持", "规范", "优化", "提升", "深化", "落实"]
SENT = ["近年来，{a}工作取得积极进展，但仍存在投入不足、机制不健全、基层力量薄弱等问题，群众反映较为强烈。",
        "据调研，{p}{a}方面的短板较为突出，部分地方政策落实不到位。",
        "{a}关系群众切身利益，是社会各界普遍关注的热点问题。",
        "目前相关部门之间协调配合不够，资金、人才、土地等要素保障不足。",
        "建议省政府高度重视，统筹谋划，切实解决{a}中存在的突出问题。"]
RECS = ["一是加大财政投入力度", "二是健全长效管护机制", "三是强化督促检查", "四是完善考核评价办法",
        "五是加强人才队伍建设", "一是出台专项扶持政策", "二是建立部门联动机制"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    w = [5 + i for i in range(10)]           # more each year
    tot = sum(w)
    per = [n * x // tot for x in w]
    per[-1] += n - sum(per)
    with open(out, "w", encoding="utf-8") as f:
        for y, cnt in enumerate(per):
            year = 2016 + y
            session = "十%s届人大%s次会议" % ("三四"[y // 5], "一二三四五"[y % 5])
            for i in range(1, cnt + 1):
                a, p = rnd.choice(AREAS), rnd.choice(PLACES)
                kind = rnd.choices(["suggestion", "motion", "proposal"], [75, 5, 20])[0]
                nco = rnd.choice([0, 0, 1, 2, 3, 5, 9])
                d = {"number": "%d%04d" % (year, i), "kind": kind, "session": session,
                     "title": "关于%s%s%s的%s" % (rnd.choice(VERBS), p, a, {"suggestion": "建议", "motion": "议案", "proposal": "提案"}[kind]),
                     "background": "".join(s.format(a=a, p=p) for s in rnd.sample(SENT, rnd.randint(2, 4))),
                     "recommendations": rnd.sample(RECS, rnd.randint(2, 4)),
                     "submitter_type": "joint" if nco else "individual",
                     "lead_author": rnd.choice(names), "co_signers": rnd.sample(names, nco),
                     "delegation": rnd.choice(DELEG), "category": rnd.choice(CATS),
                     "tags": rnd.sample(TAGS, rnd.randint(1, 3))}
                f.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
