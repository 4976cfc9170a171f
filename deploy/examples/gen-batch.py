#!/usr/bin/env python3
"""gen-batch.py - writes N distinct valid filings for `mlpsctl batch import`.

    gen-batch.py N OUT.ndjson [--district=CODE] [--month=YYYY-MM] [--seed=S]
                 [--hierarchy=FILE]

One filing a line in the JSON format of docs/filing-format.md, or, when OUT
ends in .csv, the CSV layout of docs/batch-format.md (one contact). Every
filing is one the intake accepts and the review answers A:

  - units of the district: unified social credit codes (GB 32100-2015) with
    a correct check character (and a GB 11714 organisation code inside),
    registered in one of the district's regions (deploy/region/hierarchy.json);
  - each unit has one to three systems, so (credit code, system name) is
    never repeated;
  - levels 2 to 4 (about 50/40/10 %), each dimension graded by the matrix of
    GB/T 22240-2020 and the final level the higher of the two;
  - every material the level needs (and the supervisor's approval when the
    unit has one), SHA-256 digests of the file names as in the examples;
  - graded in the month (days 1 to 20, so the pinned 2026-11-20 of the
    tests is never before a grading), live before it.

The same arguments give the same file (the seed defaults to them).
Standard library only.
"""
import argparse
import calendar
import csv
import datetime
import hashlib
import json
import os
import random
import sys

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30,
                28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# GB/T 22240-2020: (object, degree) -> level
MATRIX = {
    ("citizens", "general"): 1, ("citizens", "serious"): 2,
    ("citizens", "especially_serious"): 2,
    ("social_order", "general"): 2, ("social_order", "serious"): 3,
    ("social_order", "especially_serious"): 4,
    ("national_security", "general"): 3, ("national_security", "serious"): 4,
    ("national_security", "especially_serious"): 5,
}

# DOMAIN.md / docs/filing-format.md: the kinds each level needs
BASE_KINDS = [("filing_form", "备案表", "pdf"),
              ("electronic_data", "备案电子数据", "xml"),
              ("grading_report", "定级报告", "pdf"),
              ("expert_review", "专家评审意见", "pdf")]
SUPERVISOR_KIND = ("supervisor_approval", "主管部门审核意见", "pdf")
LEVEL3_KINDS = [("topology", "网络拓扑结构图", "pdf"),
                ("security_organisation", "安全组织机构及人员", "pdf"),
                ("security_policies", "安全管理制度", "pdf"),
                ("security_design", "安全建设整改方案", "pdf"),
                ("product_list", "安全产品清单", "xlsx"),
                ("evaluation_report", "等级测评报告", "pdf")]

ORGANS = [("卫生健康委员会", "health"), ("教育委员会", "education"),
          ("市场监督管理局", "market regulation"),
          ("政务服务管理局", "government"), ("财政局", "finance"),
          ("人力资源和社会保障局", "social security"),
          ("民政局", "civil affairs"), ("生态环境局", "environment"),
          ("城市管理委员会", "urban management"),
          ("住房和城乡建设委员会", "housing"), ("司法局", "justice"),
          ("文化和旅游局", "culture"), ("应急管理局", "emergency management"),
          ("统计局", "statistics"), ("医疗保障局", "health")]
INSTITUTIONS = [("人民医院", "health"), ("中医医院", "health"),
                ("妇幼保健院", "health"), ("图书馆", "culture"),
                ("档案馆", "culture"), ("职业学校", "education"),
                ("疾病预防控制中心", "health"), ("社会福利中心", "civil affairs")]
FIRM_A = ["华信", "中科", "博通", "天诚", "恒达", "融创", "智联", "云海", "金桥",
          "京华", "远景", "新锐", "卓越", "鼎盛", "启明", "汇通", "安泰", "明德",
          "正元", "同方"]
FIRM_B = ["信息技术", "网络科技", "数据服务", "软件", "智能科技", "电子商务",
          "金融科技", "物流", "医疗科技", "教育科技"]
FIRM_SECTORS = ["finance", "internet", "logistics", "health", "education",
                "energy", "telecommunications"]
SYSTEMS = [("政务服务预约系统", "business system", "群众和企业在线预约窗口办事"),
           ("门户网站", "business system", "发布政务公开信息和办事指南"),
           ("办公自动化系统", "business system", "内部公文流转和日常办公"),
           ("数据共享交换平台", "cloud platform", "与市级平台交换业务数据"),
           ("业务管理信息系统", "business system", "受理、审批和统计本单位业务"),
           ("视频监控系统", "IoT system", "重点区域视频监控和录像存储"),
           ("财务核算系统", "business system", "预算执行、会计核算和报表"),
           ("客户服务平台", "business system", "在线咨询、投诉和回访")]
SECTOR_SYSTEMS = {
    "health": [("电子病历系统", "business system", "门诊和住院电子病历的书写与调阅"),
               ("医院信息系统", "business system", "挂号、收费、药房和住院管理")],
    "education": [("学籍管理系统", "business system", "学生学籍、成绩和升学管理")],
    "finance": [("核心业务系统", "business system", "账户、存贷款和支付结算")],
}
TECH = ["B/S 架构，Java 应用服务器 + PostgreSQL 数据库，部署于区政务云",
        "微服务架构，Kubernetes 集群 + 分布式数据库，同城双活",
        "C/S 架构，本地机房部署，Oracle 数据库，双机热备",
        "SaaS 应用，部署于市政务云，MySQL 主从复制"]
NETS = ["北京市电子政务外网", "北京市电子政务外网；互联网（经区政务云出口）",
        "互联网", "本单位内网"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "静", "磊", "洋", "敏", "军", "丽", "强", "芳", "杰", "娜", "涛",
         "明", "婷", "浩", "雪"]
ROLES = ["网络安全负责人", "系统管理员", "信息化负责人"]


def check_char(code17):
    """GB 32100-2015: the 18th character of the first 17."""
    s = sum(CODE_CHARS.index(c) * w for c, w in zip(code17, CODE_WEIGHTS))
    return CODE_CHARS[(31 - s % 31) % 31]


def org_code(n):
    """GB 11714: eight digits and their check character (0-9 or X)."""
    body = "%08d" % n
    s = sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS))
    c = 11 - s % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def credit_code(kind, region, n):
    code17 = kind + region + org_code(n)
    return code17 + check_char(code17)


def dimension(rng, level):
    """An (object, degree) the matrix puts at level."""
    cells = [k for k, v in MATRIX.items() if v == level]
    obj, deg = rng.choice(cells)
    return {"object": obj, "degree": deg, "proposed_level": level}


def grading(rng, level, graded_on):
    """Two dimensions whose higher level is level."""
    lower = rng.randint(1, level)
    levels = [level, lower]
    rng.shuffle(levels)
    return {"business": dimension(rng, levels[0]),
            "service": dimension(rng, levels[1]),
            "final_level": level, "graded_on": graded_on}


def materials(system, level, supervised):
    kinds = list(BASE_KINDS)
    if supervised:
        kinds.append(SUPERVISOR_KIND)
    if level >= 3:
        kinds += LEVEL3_KINDS
    out = []
    for kind, title, ext in kinds:
        name = "%s-%s.%s" % (system, title, ext)
        out.append({"kind": kind, "name": name,
                    "sha256": hashlib.sha256(name.encode()).hexdigest()})
    return out


def contact(rng, domain, i):
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", "华"])
    if rng.random() < 0.5:
        phone = "010-%d" % rng.randint(60000000, 89999999)
    else:
        phone = "13%d" % rng.randint(100000000, 999999999)
    return {"name": name, "role": ROLES[i % len(ROLES)], "phone": phone,
            "email": "contact%d@%s" % (rng.randint(1, 9999), domain)}


def unit(rng, u, district, regions, seq0):
    """The u-th unit of the district: organs, then institutions, then firms."""
    short = district["name"].replace("信息办", "")
    region = regions[u % len(regions)]
    if u < len(ORGANS):
        dept, sector = ORGANS[u]
        name, kind, utype = "北京市%s%s" % (short, dept), "11", \
            "party/government organ"
        supervisor = "北京市" + dept
    elif u < len(ORGANS) + len(INSTITUTIONS):
        dept, sector = INSTITUTIONS[u - len(ORGANS)]
        name, kind, utype = "北京市%s%s" % (short, dept), "12", \
            "public institution"
        supervisor = "北京市%s卫生健康委员会" % short if sector == "health" \
            else None
    else:
        f = u - len(ORGANS) - len(INSTITUTIONS)
        a, b = FIRM_A[f % len(FIRM_A)], FIRM_B[(f // len(FIRM_A)) % len(FIRM_B)]
        extra = f // (len(FIRM_A) * len(FIRM_B))
        name = "北京%s%s有限公司" % (a, b) + ("（%d）" % extra if extra else "")
        kind, utype, sector = "91", "enterprise", \
            FIRM_SECTORS[f % len(FIRM_SECTORS)]
        supervisor = None
    domain = "unit%d.example.cn" % (seq0 + u)
    out = {"name": name, "credit_code": credit_code(kind, region, seq0 + u),
           "region_code": region, "sector": sector, "unit_type": utype,
           "department": "信息中心",
           "contacts": [contact(rng, domain, i)
                        for i in range(rng.randint(1, 2))],
           "has_supervisor": supervisor is not None}
    if supervisor:
        out["supervisor_name"] = supervisor
    return out


def filing(rng, u_obj, j, month):
    level = rng.choices([2, 3, 4], weights=[50, 40, 10])[0]
    short = u_obj["name"].replace("北京市", "").replace("北京", "")
    titles = SECTOR_SYSTEMS.get(u_obj["sector"], []) + SYSTEMS
    title, stype, business = titles[(hash_int(u_obj["credit_code"]) + j)
                                    % len(titles)]
    system = short + title  # j < 3 <= len(titles): each title once a unit
    year, mon = month
    day = rng.randint(1, min(20, calendar.monthrange(year, mon)[1]))
    graded = datetime.date(year, mon, day)
    live = graded - datetime.timedelta(days=rng.randint(30, 1500))
    return {"unit": u_obj,
            "system": {"name": system, "system_type": stype,
                       "technology": rng.choice(TECH), "business": business,
                       "service_scope": rng.choice(["district", "internal",
                                                    "city-wide"]),
                       "go_live_date": live.isoformat(),
                       "interconnection": rng.choice(NETS)},
            "grading": grading(rng, level, graded.isoformat()),
            "materials": materials(system, level, u_obj["has_supervisor"])}


def hash_int(text):
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


CSV_COLUMNS = [
    "unit.name", "unit.credit_code", "unit.region_code", "unit.sector",
    "unit.unit_type", "unit.department", "unit.contacts[0].name",
    "unit.contacts[0].role", "unit.contacts[0].phone",
    "unit.contacts[0].email", "unit.has_supervisor", "unit.supervisor_name",
    "system.name", "system.system_type", "system.technology",
    "system.business", "system.service_scope", "system.go_live_date",
    "system.interconnection", "grading.business.object",
    "grading.business.degree", "grading.business.proposed_level",
    "grading.service.object", "grading.service.degree",
    "grading.service.proposed_level", "grading.final_level",
    "grading.graded_on", "materials"]


def csv_row(f):
    """A filing as a row of the CSV layout (its first contact only)."""
    row = []
    for col in CSV_COLUMNS:
        if col == "materials":
            row.append(";".join("%s:%s:%s" % (m["kind"], m["name"],
                                              m["sha256"])
                                for m in f["materials"]))
            continue
        v = f
        for part in col.split("."):
            if part.endswith("[0]"):
                v = v.get(part[:-3], [{}])[0]
            else:
                v = v.get(part, "") if isinstance(v, dict) else ""
        row.append(("true" if v else "false") if isinstance(v, bool)
                   else str(v))
    return row


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="how many filings")
    p.add_argument("out", help="OUT.ndjson, or OUT.csv for the CSV layout")
    p.add_argument("--district", default="110108",
                   help="the district office's code (default 110108)")
    p.add_argument("--month", default="2026-11",
                   help="the month they are graded in, YYYY-MM")
    p.add_argument("--seed", default=None, help="default: from the arguments")
    p.add_argument("--hierarchy",
                   default=os.path.join(here, "..", "region", "hierarchy.json"))
    a = p.parse_args(argv)
    if a.n < 0:
        p.error("N must be 0 or more")
    try:
        month = datetime.datetime.strptime(a.month, "%Y-%m")
    except ValueError:
        p.error("--month must be YYYY-MM, not %r" % a.month)
    a.month_ym = (month.year, month.month)
    return p, a


def main(argv):
    p, a = parse_args(argv)
    with open(a.hierarchy, encoding="utf-8") as f:
        h = json.load(f)
    district = next((d for d in h["districts"] if d["code"] == a.district),
                    None)
    if district is None:
        p.error("--district: %s is not a district of %s (%s)" % (
            a.district, a.hierarchy,
            ", ".join(d["code"] for d in h["districts"])))
    seed = a.seed if a.seed is not None else "%s/%s/%d" % (
        a.district, a.month, a.n)
    rng = random.Random(seed)
    seq0 = rng.randint(10000, 50000000)
    filings, u = [], 0
    while len(filings) < a.n:
        u_obj = unit(rng, u, district, district["regions"], seq0)
        for j in range(rng.randint(1, 3)):
            if len(filings) < a.n:
                filings.append(filing(rng, u_obj, j, a.month_ym))
        u += 1
    with open(a.out, "w", encoding="utf-8", newline="") as out:
        if a.out.lower().endswith(".csv"):
            w = csv.writer(out, lineterminator="\r\n")
            w.writerow(CSV_COLUMNS)
            for f in filings:
                w.writerow(csv_row(f))
        else:
            for f in filings:
                out.write(json.dumps(f, ensure_ascii=False,
                                     separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
