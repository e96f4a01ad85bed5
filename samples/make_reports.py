"""Write the MADE-UP 萝北县 sample reports (samples/reports/<year>/<code>.json) from the data below.

The committed JSON files are the source of truth: edit them directly. This script only
produced them (and can produce them again); it never touches the one REAL report
(萝北县工业信息科技局 2020, hand-transcribed from the published text), and by default it
never overwrites a file that differs from what it would write (a hand edit wins).

    .venv/bin/python samples/make_reports.py              write missing files only; report edited ones
    .venv/bin/python samples/make_reports.py --force      overwrite every made-up file with the data below
    .venv/bin/python samples/make_reports.py --recompute  after editing numbers in the JSON files: recompute
        the totals (derived cells), each 2021 上年结转 from the 2020 结转下年度, and each 结转下年度 as the
        balancing item 一+二−三（七）; the real report is left alone

Notation of the data below (everything not named is 0):
    requests: "N4 C1" = 自然人 4, 商业企业 1; letters N 自然人, C 商业企业, R 科研机构, P 社会公益组织,
        L 法律服务机构, O 其他 (法人或其他组织). "outcome" keys are row paths under 三、本年度办理结果
        (disclosed, partial, withheld.third_party, unable.not_held, not_processed.petition, other [2019],
        other.no_correction [2021] …). 结转下年度 = 新收 + 上年结转 − （七）总计, so 一+二=三+四 always holds.
        2020 上年结转 is given as "carried"; 2021 上年结转 is read from the 2020 file (rule T3-4).
    proactive: row key -> the row's values in the format's column order, e.g. 2019 format
        licensing (上一年项目数量, 本年增/减, 处理决定数量), procurement (采购项目数量, 采购总金额 万元);
        2021 format normative_docs (本年制发, 本年废止, 现行有效), licensing (本年处理决定数量,), fees (万元,).
    reviews: "admin_review.upheld=1 litigation_direct.pending=1" (表四; totals are derived).
Contact phone numbers are deliberately impossible (0468-0000xxx): no real line is ever dialled.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from nianbao.county.roster import load_roster
from nianbao.format.document import compute_derived, dump_document, load_document, new_document, to_json_number
from nianbao.format.spec import Format, format_for_year

HERE = Path(__file__).resolve().parent
REAL = {(2020, "230421-13")}  # hand-transcribed from the published report: never generated, never rewritten
COLUMNS = {"N": "natural", "C": "commercial", "R": "research", "P": "nonprofit", "L": "legal", "O": "other_org"}
NO_FEE = "本年度未收取信息处理费。"

DATA: dict[str, dict[int, dict]] = {
    "230421-01": {
        2020: dict(contact=("刘洋", "0468-0000101", "政务公开办公室"), date="2021年1月18日",
                   proactive={"normative_docs": (6, 6, 52), "procurement": (3, "46.80")},
                   received="N4 C1",
                   outcome={"disclosed": "N2 C1", "unable.not_held": "N1", "not_processed.petition": "N1"},
                   overview="2020年，县政府办公室认真贯彻《中华人民共和国政府信息公开条例》，统筹推进全县政务公开工作，围绕新冠肺炎疫情防控、复工复产和惠企政策及时发布权威信息。全年以县政府及县政府办公室名义制发并公开规范性文件6件，对外公开的规范性文件累计52件。全年新收政府信息公开申请5件，均在法定期限内答复。",
                   problems="一是政策解读形式较为单一，图解、视频等解读数量偏少；二是部分乡镇和部门信息更新不够及时，县政府门户网站个别栏目存在空白。2021年将加强对各单位的业务指导和季度检查，丰富解读形式。",
                   other=NO_FEE),
        2021: dict(contact=("刘洋", "0468-0000101", "政务公开办公室"), date="2022年1月17日",
                   proactive={"normative_docs": (5, 3, 41)},
                   received="N5 C1 O1",
                   outcome={"disclosed": "N3 C1", "partial": "N1", "unable.not_held": "O1",
                            "other.no_correction": "N1"},
                   overview="2021年，县政府办公室以新版年度报告格式为抓手，组织全县各部门、各乡镇规范编制年度报告，并对县政府门户网站政府信息公开专栏进行了梳理整合。全年制发行政规范性文件5件，废止3件，现行有效41件。全年新收政府信息公开申请7件，其中自然人5件、商业企业1件、其他组织1件，已全部办结。",
                   problems="上一年度指出的政策解读形式单一问题已有改善，全年制作图解类解读12篇。本年度存在的主要问题是依申请公开办理流程的内部衔接还不够顺畅，个别申请转办耗时较长。下一步将建立申请登记台账和限时办理提醒制度。",
                   other="本年度未收取信息处理费。按照全省政务公开工作要点要求，完成了县政府门户网站政府信息公开专栏的标准化调整。"),
    },
    "230421-02": {
        2020: dict(contact=("孙丽", "0468-0000102", "综合股"), date="2021年1月20日",
                   proactive={"normative_docs": (2, 2, 11), "licensing": (6, 0, 14), "other_services": (3, 0, 37),
                              "penalty": (2, -2, 0), "procurement": (2, "18.60")},
                   received="N2 C1", outcome={"disclosed": "N1 C1", "partial": "N1"},
                   overview="2020年，县发展和改革局围绕重点项目建设、价格监测和粮食储备等职能，主动公开项目审批核准、政府投资计划等信息。全年制发规范性文件2件，作出行政许可处理决定14件。收到政府信息公开申请3件，其中自然人2件、商业企业1件，均已按期答复。",
                   problems="存在的问题主要是重点项目信息公开的时效性不足，项目进度信息更新滞后于实际进展。下一步将建立重点项目信息按月更新机制，明确专人负责。",
                   other=NO_FEE),
        2021: dict(contact=("孙丽", "0468-0000102", "综合股"), date="2022年1月19日",
                   proactive={"normative_docs": (1, 2, 9), "licensing": (17,)},
                   received="N1 C2", outcome={"disclosed": "N1 C1", "unable.needs_creation": "C1"},
                   overview="2021年，县发改局落实“十四五”规划编制信息公开要求，及时公开全县国民经济和社会发展第十四个五年规划纲要及解读材料。全年作出行政许可处理决定17件，制发行政规范性文件1件，清理废止2件。收到商业企业和自然人提出的政府信息公开申请共3件，其中1件因需另行加工制作信息而告知无法提供。",
                   problems="针对上年度项目信息更新滞后的问题，本年度已实行重点项目进度按月公开。但政策文件解读仍停留在文字层面，群众关注的惠企政策宣传不够深入。2022年将联合县融媒体中心开展政策直播解读。",
                   other="本年度未收取政府信息公开信息处理费。"),
    },
    "230421-03": {
        2020: dict(contact=("赵敏", "0468-0000103", "办公室"), date="2021年1月15日",
                   proactive={"normative_docs": (1, 1, 9), "licensing": (5, 0, 238), "other_services": (4, 1, 326),
                              "penalty": (3, 0, 1), "fees": (1, 0), "procurement": (12, "386.25")},
                   received="N3", outcome={"disclosed": "N2", "unable.not_held": "N1"},
                   overview="2020年，县教育局重点公开了疫情期间延期开学、线上教学安排和义务教育招生入学政策，通过局门户网页和微信公众号同步发布。全年制发规范性文件1件，办理教师资格认定等行政许可238件。收到自然人政府信息公开申请3件，已全部答复。",
                   problems="目前学校层面的信息公开还不够规范，部分学校收费公示、招生信息未按要求及时上墙、上网。下一步将把学校信息公开纳入年度督导评估内容。",
                   other=NO_FEE),
        2021: dict(contact=("赵敏", "0468-0000103", "办公室"), date="2022年1月14日",
                   proactive={"normative_docs": (2, 0, 12), "licensing": (254,), "penalty": (2,)},
                   received="N4 P1",
                   outcome={"disclosed": "N2 P1", "unable.not_held": "N1", "not_processed.petition": "N1"},
                   overview="2021年，县教育局围绕“双减”政策落地，集中公开了校外培训机构白名单、课后服务收费标准等群众关注信息。全年制发行政规范性文件2件，现行有效12件；办理行政许可254件。收到政府信息公开申请5件（自然人4件、社会公益组织1件），其中1件属于信访举报投诉类申请，已告知申请人通过信访渠道反映。",
                   problems="上年度提出的学校信息公开不规范问题，已通过年度督导检查全县中小学收费公示情况加以改进。仍存在的问题是农村学校网络条件有限，信息发布依赖教育局代发，时效性不足。2022年将为农村学校指定信息联络员，统一按周报送。",
                   other=NO_FEE),
    },
    "230421-04": {
        2020: dict(contact=("王海涛", "0468-0000104", "法制大队"), date="2021年1月22日",
                   proactive={"normative_docs": (0, 0, 3), "licensing": (42, -3, 6840), "other_services": (18, 2, 9730),
                              "penalty": (168, 4, 2156), "enforcement": (21, 0, 318), "fees": (6, -1),
                              "procurement": (8, "215.40")},
                   received="N9 L1", carried="N1",
                   outcome={"disclosed": "N3 L1", "partial": "N1", "withheld.enforcement_files": "N2",
                            "withheld.inquiry": "N2", "not_processed.petition": "N1"},
                   reviews="admin_review.upheld=1",
                   overview="2020年，县公安局依托政务服务平台和局政务公开栏，公开户籍、出入境、交通管理等办事指南，并按规定公示行政处罚决定。全年作出行政许可处理决定6840件、行政处罚决定2156件。收到政府信息公开申请10件，连同上年结转1件，办结10件，结转下年度1件。因政府信息公开被申请行政复议1件，复议机关维持原答复。",
                   problems="存在的问题：一是执法信息公开与个人信息保护的界限把握不够精准，答复口径需要进一步统一；二是基层派出所政务公开人员流动性较大。下一步将编制依申请公开答复范本并开展专题培训。",
                   other=NO_FEE),
        2021: dict(contact=("王海涛", "0468-0000104", "法制大队"), date="2022年1月21日",
                   proactive={"normative_docs": (0, 1, 2), "licensing": (7215,), "penalty": (2389,),
                              "enforcement": (296,), "fees": ("13.62",)},
                   received="N11 L2",
                   outcome={"disclosed": "N4 L1", "partial": "N1", "withheld.enforcement_files": "N2",
                            "withheld.inquiry": "N3", "unable.not_held": "N1 L1"},
                   reviews="admin_review.upheld=1 litigation_direct.upheld=1",
                   overview="2021年，县公安局持续推进执法公开，在局门户网页公开行政处罚决定和执法服务指南，全年作出行政许可决定7215件、行政处罚决定2389件、行政强制决定296件。收到政府信息公开申请13件，其中自然人11件、法律服务机构2件，连同上年结转1件，办结13件，结转下年度1件。因政府信息公开被申请行政复议1件、提起行政诉讼1件，均维持原处理。",
                   problems="上年度提出的答复口径不统一问题，已通过印发答复范本得到改善。本年度不予公开的申请中，涉及行政执法案卷和行政查询事项的占比较高，答复说理还不够充分。下一步将在答复书中逐项列明法律依据并告知救济途径。",
                   other=NO_FEE),
    },
    "230421-05": {
        2020: dict(contact=("陈静", "0468-0000105", "办公室"), date="2021年1月19日",
                   proactive={"normative_docs": (1, 1, 7), "licensing": (3, 0, 9), "other_services": (6, 0, 1184),
                              "penalty": (2, 0, 0), "procurement": (2, "31.75")},
                   received="N2", outcome={"disclosed": "N1", "unable.not_held": "N1"},
                   overview="2020年，县民政局重点公开城乡低保、特困供养、临时救助等社会救助政策及资金发放情况，每季度公示低保对象名单。全年办理婚姻登记等其他对外管理服务事项1184件。收到自然人政府信息公开申请2件，1件予以公开，1件因本机关不掌握相关信息告知申请人。",
                   problems="社会救助信息公示的及时性有待提高，部分乡镇上报数据滞后导致公示延迟。下一步将与各乡镇建立按月报送和公示联动机制。",
                   other=NO_FEE),
        2021: dict(contact=("陈静", "0468-0000105", "办公室"), date="2022年1月18日",
                   proactive={"normative_docs": (1, 0, 8), "licensing": (11,)},
                   received="N3", outcome={"disclosed": "N2", "unable.not_held": "N1"},
                   overview="2021年，县民政局在低保、特困、残疾人两项补贴等领域推行“阳光救助”，通过县政府门户网站和村务公开栏双渠道公示救助对象。全年作出行政许可处理决定11件，主要为社会组织成立、变更登记。收到政府信息公开申请3件，均为自然人提出，已全部答复。",
                   problems="上年度公示滞后的问题已通过按月联动公示基本解决。存在的不足是养老服务机构信息公开内容不够全面，收费标准、服务项目等未统一公开。2022年将督促全县养老机构统一公开服务清单。",
                   other=NO_FEE),
    },
    "230421-06": {
        2020: dict(contact=("李晓东", "0468-0000106", "办公室"), date="2021年1月20日",
                   proactive={"normative_docs": (2, 2, 18), "licensing": (1, 0, 2), "other_services": (2, 0, 15),
                              "penalty": (4, 0, 1), "procurement": (1, "9.80")},
                   received="N1 C1", outcome={"disclosed": "N1 C1"},
                   overview="2020年，县财政局按照预决算公开要求，在县政府门户网站统一平台公开县级预决算和“三公”经费，督促各预算单位完成部门预决算公开。全年制发规范性文件2件，政府集中采购项目1个、金额9.80万元。收到政府信息公开申请2件，已按期答复。",
                   problems="部分预算单位预决算公开说明过于简单，绩效目标信息公开不够充分。下一步将在预算批复环节同步提出公开要求，并开展公开情况专项检查。",
                   other=NO_FEE),
        2021: dict(contact=("李晓东", "0468-0000106", "办公室"), date="2022年1月20日",
                   proactive={"normative_docs": (3, 1, 17), "licensing": (3,), "penalty": (1,)},
                   received="N2 C1", outcome={"disclosed": "N2", "partial": "C1"},
                   overview="2021年，县财政局继续推进预决算公开规范化，全县各预算单位均在批复后20日内公开部门预算。全年制发行政规范性文件3件，废止1件，现行有效17件。收到政府信息公开申请3件，其中1件涉及商业秘密，经征求第三方意见后作部分公开处理。",
                   problems="上年度指出的绩效信息公开不充分问题，本年度已要求重点项目随预算同步公开绩效目标。但政府债务信息公开的颗粒度仍然较粗。下一步将按季度公开政府债务限额、余额和使用情况。",
                   other=NO_FEE),
    },
    "230421-07": {
        2020: dict(contact=("周红", "0468-0000107", "办公室"), date="2021年1月21日",
                   proactive={"normative_docs": (2, 1, 13), "licensing": (4, 0, 6), "other_services": (15, 2, 4820),
                              "penalty": (12, 0, 8), "enforcement": (2, 0, 0), "procurement": (3, "52.30")},
                   received="N11",
                   outcome={"disclosed": "N5", "partial": "N1", "withheld.third_party": "N1", "unable.not_held": "N2",
                            "not_processed.repeated": "N1"},
                   reviews="admin_review.upheld=1",
                   overview="2020年，县人力资源和社会保障局围绕稳就业、保民生，及时公开阶段性减免社会保险费、援企稳岗返还和职业技能培训补贴等政策。全年办理社会保险业务等其他对外管理服务事项4820件。收到自然人政府信息公开申请11件，办结10件，1件因需征求第三方意见结转下年度办理；因政府信息公开被申请行政复议1件，复议机关维持原答复。",
                   problems="一是社保政策调整频繁，政策解读跟进不够及时；二是依申请公开中涉及他人社保信息的申请较多，答复时对第三方权益保护的说明不够到位。下一步将完善第三方意见征询流程。",
                   other=NO_FEE),
        2021: dict(contact=("周红", "0468-0000107", "办公室"), date="2022年1月20日",
                   proactive={"normative_docs": (1, 2, 11), "licensing": (9,), "penalty": (6,)},
                   received="N12",
                   outcome={"disclosed": "N6", "partial": "N1", "withheld.third_party": "N1", "unable.not_held": "N2",
                            "not_processed.repeated": "N1", "other.no_correction": "N1"},
                   reviews="admin_review.corrected=1",
                   overview="2021年，县人社局重点公开城乡居民养老保险待遇调整、就业补贴发放和根治欠薪工作情况。全年作出行政许可决定9件、劳动保障监察行政处罚决定6件。收到自然人政府信息公开申请12件，连同上年结转1件，办结12件，结转下年度1件。因政府信息公开被申请行政复议1件，复议机关以程序问题责令重新答复，已按要求重新作出答复。",
                   problems="上年度提出的第三方意见征询流程已制定实施。本年度被行政复议纠正的1件反映出答复告知程序不够严谨。2022年将对依申请公开答复实行法制审核，避免程序瑕疵。",
                   other=NO_FEE),
    },
    "230421-08": {
        2020: dict(contact=("吴刚", "0468-0000108", "政策法规股"), date="2021年1月25日",
                   proactive={"normative_docs": (1, 1, 8), "licensing": (18, -2, 146), "other_services": (9, 0, 2650),
                              "penalty": (36, 1, 27), "enforcement": (4, 0, 3), "fees": (5, -2),
                              "procurement": (6, "412.68")},
                   received="N23 C3 L1 O1", carried="N2",
                   outcome={"disclosed": "N11 C2 L1", "partial": "N3", "withheld.process_info": "N1",
                            "withheld.third_party": "N1 C1", "unable.not_held": "N4 O1", "unable.needs_creation": "N1",
                            "not_processed.repeated": "N1", "other": "N1"},
                   reviews="admin_review.upheld=1 admin_review.corrected=1 litigation_direct.upheld=1",
                   overview="2020年，县自然资源局重点公开国土空间规划编制、土地征收、不动产登记和矿产资源管理信息，征地信息按项目在县政府门户网站公示。全年作出行政许可决定146件，办理不动产登记等服务事项2650件。收到政府信息公开申请28件，其中自然人23件、商业企业3件、法律服务机构1件、其他组织1件，连同上年结转2件，办结28件，结转下年度2件。因政府信息公开被申请行政复议2件（维持1件、纠正1件），被提起行政诉讼1件，法院判决维持。",
                   problems="一是征地信息公开内容不够完整，个别项目的补偿安置方案公示不及时；二是历史档案资料整理不到位，部分申请因本机关不掌握相关信息无法提供。下一步将推进征地档案数字化，并建立征地信息公开清单。",
                   other=NO_FEE),
        2021: dict(contact=("吴刚", "0468-0000108", "政策法规股"), date="2022年1月24日",
                   proactive={"normative_docs": (2, 1, 9), "licensing": (163,), "penalty": (31,), "enforcement": (2,),
                              "fees": ("47.85",)},
                   received="N27 C4 L2",
                   outcome={"disclosed": "N12 C2 L1", "partial": "N4 C1", "withheld.process_info": "N2",
                            "withheld.third_party": "N1", "unable.not_held": "N5 L1", "unable.needs_creation": "N1 C1",
                            "unable.unclear": "N1", "not_processed.repeated": "N1", "other.no_correction": "N1"},
                   reviews="admin_review.upheld=2 admin_review.corrected=1 admin_review.pending=1 "
                           "litigation_direct.upheld=1 litigation_direct.pending=1 litigation_after_review.upheld=1",
                   overview="2021年，县自然资源局围绕土地征收成片开发方案、国土空间规划和不动产登记便民措施开展主动公开，全年作出行政许可决定163件、行政处罚决定31件，收取不动产登记费47.85万元。收到政府信息公开申请33件（自然人27件、商业企业4件、法律服务机构2件），连同上年结转2件，办结34件，结转下年度1件。因政府信息公开被申请行政复议4件、提起行政诉讼3件，其中复议纠正1件。",
                   problems="上年度提出的征地档案数字化工作已完成一期，2015年以来的征地档案已全部扫描入库。但涉及征地补偿的申请数量持续增长，行政复议和诉讼案件较多，反映出主动公开仍未完全满足群众需求。下一步将把征地补偿标准、安置方案等纳入主动公开目录，以公开减少申请。",
                   other="本年度依据《政府信息公开信息处理费管理办法》向1名申请人发出收费通知，申请人已缴纳信息处理费200元。"),
    },
    "230421-09": {
        2020: dict(contact=("郑磊", "0468-0000109", "办公室"), date="2021年1月22日",
                   proactive={"normative_docs": (3, 2, 15), "licensing": (16, -1, 97), "other_services": (7, 0, 210),
                              "penalty": (58, 0, 19), "enforcement": (5, 0, 2), "fees": (3, 0),
                              "procurement": (7, "633.90")},
                   received="N14 C2", carried="N1",
                   outcome={"disclosed": "N7 C1", "partial": "N2", "withheld.third_party": "N1",
                            "withheld.internal_affairs": "N1", "unable.not_held": "N2 C1",
                            "not_processed.petition": "N1"},
                   reviews="admin_review.pending=1",
                   overview="2020年，县住房和城乡建设局重点公开棚户区改造、老旧小区改造、保障性住房分配和建筑市场监管信息。全年作出建筑工程施工许可等行政许可决定97件、行政处罚决定19件。收到政府信息公开申请16件（自然人14件、商业企业2件），连同上年结转1件，办结16件，结转下年度1件；因政府信息公开被申请行政复议1件，年底尚未审结。",
                   problems="一是棚改征收补偿信息公开的颗粒度不够细，群众反映难以查询到户；二是保障性住房分配结果公示期间的咨询答复不够及时。下一步将按项目公开征收补偿总体情况，并设立咨询专线。",
                   other=NO_FEE),
        2021: dict(contact=("郑磊", "0468-0000109", "办公室"), date="2022年1月21日",
                   proactive={"normative_docs": (2, 1, 14), "licensing": (112,), "penalty": (16,), "enforcement": (3,),
                              "fees": ("5.40",)},
                   received="N16 C1",
                   outcome={"disclosed": "N8 C1", "partial": "N2", "withheld.third_party": "N1",
                            "unable.not_held": "N3", "not_processed.petition": "N1", "other.misc": "N1"},
                   reviews="admin_review.upheld=1",
                   overview="2021年，县住建局在老旧小区改造项目中推行“改前问需、改中公示、改后评价”的全过程公开，全年公开改造项目信息12批次。全年作出行政许可决定112件、行政处罚决定16件。收到政府信息公开申请17件，其中自然人16件、商业企业1件，连同上年结转1件，办结17件，结转下年度1件；因政府信息公开被申请行政复议1件，复议机关维持原答复。",
                   problems="针对上年度棚改征收补偿信息查询难的问题，本年度已按项目公开补偿总体情况。存在的不足是物业服务企业信用信息公开尚未开展。2022年将会同凤翔镇各社区逐步公开物业服务企业信用评价结果。",
                   other=NO_FEE),
    },
    "230421-10": {
        2020: dict(contact=("冯雪", "0468-0000110", "办公室"), date="2021年1月18日",
                   proactive={"normative_docs": (1, 1, 6), "licensing": (23, 1, 164), "other_services": (5, 0, 86),
                              "penalty": (74, 2, 21), "enforcement": (8, 0, 4), "procurement": (5, "128.45")},
                   received="N3 C1", outcome={"disclosed": "N2 C1", "unable.not_held": "N1"},
                   overview="2020年，县农业农村局重点公开耕地地力保护补贴、农机购置补贴、玉米和大豆生产者补贴等惠农政策及资金兑付信息，补贴对象名单在各村公示栏同步公示。全年作出行政许可决定164件、行政处罚决定21件。收到政府信息公开申请4件，均已按期答复。",
                   problems="惠农补贴信息在网上公开的及时性与村级公示相比仍有差距，部分补贴资金兑付信息汇总发布较晚。下一步将在资金兑付完成后10个工作日内在网上公开汇总信息。",
                   other=NO_FEE),
        2021: dict(contact=("冯雪", "0468-0000110", "办公室"), date="2022年1月17日",
                   proactive={"normative_docs": (1, 0, 7), "licensing": (158,), "penalty": (26,), "enforcement": (5,)},
                   received="N2 C1", outcome={"disclosed": "N1 C1", "unable.not_held": "N1"},
                   overview="2021年，县农业农村局围绕高标准农田建设、黑土地保护和农村人居环境整治开展主动公开，公开高标准农田建设项目招投标及验收信息。全年作出农药经营许可等行政许可决定158件、行政处罚决定26件、行政强制决定5件。收到政府信息公开申请3件，其中1件因本机关不掌握相关信息告知申请人。",
                   problems="上年度补贴信息网上公开滞后的问题已基本解决。存在的问题是农业执法信息公开还不够全面，执法检查结果未实现常态化公开。下一步将按季度公开农资市场执法检查情况。",
                   other=NO_FEE),
    },
    "230421-11": {
        2020: dict(contact=("韩冬", "0468-0000111", "办公室"), date="2021年1月19日",
                   proactive={"normative_docs": (2, 2, 10), "licensing": (19, 0, 231), "other_services": (6, 0, 57),
                              "penalty": (45, 0, 33), "enforcement": (3, 0, 1), "fees": (2, -1),
                              "procurement": (9, "540.12")},
                   received="N3", outcome={"disclosed": "N2", "withheld.third_party": "N1"},
                   overview="2020年，县卫生健康局把新冠肺炎疫情防控信息发布作为重点，及时公开疫情防控措施、发热门诊和核酸检测机构信息。全年作出医疗机构执业登记、公共场所卫生许可等行政许可决定231件，卫生监督行政处罚决定33件。收到自然人政府信息公开申请3件，其中1件涉及他人诊疗信息，依法不予公开。",
                   problems="医疗卫生机构信息公开工作发展不平衡，乡镇卫生院公开内容较少。下一步将制定医疗卫生机构信息公开清单，指导各卫生院规范公开服务价格和就诊流程。",
                   other=NO_FEE),
        2021: dict(contact=("韩冬", "0468-0000111", "办公室"), date="2022年1月18日",
                   proactive={"normative_docs": (1, 1, 9), "licensing": (247,), "penalty": (38,), "fees": ("2.16",)},
                   received="N4 O1", outcome={"disclosed": "N3 O1", "withheld.third_party": "N1"},
                   overview="2021年，县卫健局持续公开疫情防控和新冠病毒疫苗接种安排，累计发布接种点及时间安排公告36期。全年作出行政许可决定247件、行政处罚决定38件，收取行政事业性收费2.16万元。收到政府信息公开申请5件，其中自然人4件、其他组织1件，1件因涉及第三方个人隐私不予公开。",
                   problems="上年度提出的卫生院信息公开清单已印发执行。目前的不足是卫生监督执法结果公开不够及时，部分处罚决定在作出后超过20个工作日才公开。下一步将严格执行行政执法公示制度，压实承办人责任。",
                   other=NO_FEE),
    },
    "230421-12": {
        2020: dict(contact=("杨帆", "0468-0000112", "法规股"), date="2021年1月21日",
                   proactive={"normative_docs": (1, 1, 5), "licensing": (31, -2, 1836), "other_services": (8, 1, 1203),
                              "penalty": (412, 6, 94), "enforcement": (12, 0, 17), "fees": (1, 0),
                              "procurement": (4, "76.90")},
                   received="N6 C3 L1",
                   outcome={"disclosed": "N3 C2 L1", "partial": "N1", "withheld.enforcement_files": "C1",
                            "unable.not_held": "N1", "not_processed.petition": "N1"},
                   overview="2020年，县市场监督管理局围绕疫情期间防疫物资价格监管、食品安全抽检和企业登记注册开展主动公开，按月公布食品安全监督抽检结果。全年作出食品经营许可等行政许可决定1836件，作出行政处罚决定94件。收到政府信息公开申请10件，其中自然人6件、商业企业3件、法律服务机构1件，已全部办结。",
                   problems="一是投诉举报类诉求通过政府信息公开申请渠道提出的情况较多，分流引导不够；二是行政处罚信息在国家企业信用信息公示系统与门户网站的公开不同步。下一步将统一两个平台的公开时限。",
                   other=NO_FEE),
        2021: dict(contact=("杨帆", "0468-0000112", "法规股"), date="2022年1月20日",
                   proactive={"normative_docs": (2, 0, 6), "licensing": (2014,), "penalty": (103,),
                              "enforcement": (21,)},
                   received="N8 C4 L1",
                   outcome={"disclosed": "N4 C2 L1", "partial": "N1 C1", "withheld.enforcement_files": "N1",
                            "not_processed.petition": "N2 C1"},
                   reviews="admin_review.other=1",
                   overview="2021年，县市场监管局在食品安全、特种设备和价格监管领域加大公开力度，全年公开食品安全抽检信息12期。全年作出行政许可决定2014件、行政处罚决定103件、行政强制决定21件。收到政府信息公开申请13件（自然人8件、商业企业4件、法律服务机构1件），其中3件属于投诉举报类申请，已告知通过投诉举报渠道办理；因政府信息公开被申请行政复议1件，申请人撤回申请后复议终止。",
                   problems="上年度提出的两个平台公开不同步问题已通过统一时限解决。本年度投诉举报类申请仍占一定比例，说明12315渠道的宣传还需加强。2022年将在办事大厅和门户网站醒目位置公开投诉举报渠道。",
                   other=NO_FEE),
    },
    "230421-13": {  # 2020 is the real published report (reports/2020/230421-13.json), not generated here
        2021: dict(contact=("宋佳", "0468-0000113", "综合办公室"), date="2022年1月14日",
                   proactive={}, received="N1", outcome={"disclosed": "N1"},
                   overview="2021年，县工业信息科技局按照县政府统一部署，围绕工业经济运行、企业服务和科技创新政策开展主动公开，及时发布惠企纾困政策和科技型中小企业评价通知。全年报送政务信息41篇。收到自然人政府信息公开申请1件，已予以公开；未发生政府信息公开行政复议和行政诉讼。",
                   problems="上年度报告提出的公开内容不够丰富问题，本年度已将企业服务事项、科技项目申报指南纳入公开目录。存在的不足是政务公开专栏更新频次不高。2022年将落实专人每周更新。",
                   other=NO_FEE),
    },
    "230421-21": {
        2020: dict(contact=("高峰", "0468-0000121", "党政办"), date="2021年1月15日",
                   proactive={"normative_docs": (0, 0, 2), "licensing": (1, 0, 28), "other_services": (4, 0, 135),
                              "penalty": (2, 0, 0), "procurement": (1, "12.60")},
                   received="N3", outcome={"disclosed": "N2", "unable.not_held": "N1"},
                   overview="2020年，凤翔镇以村务公开和政务公开“两公开”为抓手，在镇政府公开栏和各村（社区）公示栏公开低保、危房改造、惠农补贴等信息。全年办理乡村建设规划许可28件。收到自然人政府信息公开申请3件，已全部答复。",
                   problems="镇政府网上公开主要依托县政府门户网站乡镇专栏，信息更新不够及时。下一步将明确党政办专人负责，每月至少更新一次。",
                   other=NO_FEE),
        2021: dict(contact=("高峰", "0468-0000121", "党政办"), date="2022年1月14日",
                   proactive={"normative_docs": (0, 0, 2), "licensing": (31,)},
                   received="N4", outcome={"disclosed": "N2", "unable.not_held": "N1", "not_processed.petition": "N1"},
                   overview="2021年，凤翔镇作为县城所在地，重点公开社区疫情防控、老旧小区改造入户摸底和城镇低保动态管理信息。全年办理乡村建设规划许可31件。收到政府信息公开申请4件，均为自然人提出，其中1件为信访诉求，已转交信访部门办理。",
                   problems="上年度网上信息更新不及时的问题已有改善，全年在乡镇专栏发布信息46条。但社区层面的公开栏内容更新仍依赖人工张贴，覆盖面有限。2022年将在各社区微信群同步推送公开信息。",
                   other=NO_FEE),
    },
    "230421-22": {
        2020: dict(contact=("林琳", "0468-0000122", "党政办"), date="2021年1月19日",
                   proactive={"licensing": (1, 0, 9), "other_services": (3, 0, 42)},
                   received="N1", outcome={"disclosed": "N1"},
                   overview="2020年，名山镇结合边境旅游和乡村振兴工作，公开了村集体经济项目、扶贫资金使用和乡村建设规划许可信息。全年办理乡村建设规划许可9件。收到自然人政府信息公开申请1件，已予以公开。",
                   problems="镇政务公开人员多为兼职，业务能力有待提升，公开内容以转发上级文件为主。下一步将参加县政府办组织的业务培训，增加本镇自主发布信息。",
                   other="无。"),
        2021: dict(contact=("林琳", "0468-0000122", "党政办"), date="2022年1月19日",
                   proactive={"licensing": (11,)},
                   received="N1", outcome={"disclosed": "N1"},
                   overview="2021年，名山镇重点公开巩固拓展脱贫攻坚成果同乡村振兴有效衔接相关政策，以及沿江边境村屯人居环境整治项目信息。全年办理乡村建设规划许可11件。收到自然人政府信息公开申请1件，已在法定期限内予以公开。",
                   problems="上年度公开内容以转发为主的问题有所改善，本年度自主发布信息占比提高。存在的不足是政策解读数量少，群众关心的补贴政策缺少通俗解读。2022年将结合入户走访开展面对面政策宣讲。",
                   other=NO_FEE),
    },
    "230421-23": {
        2020: dict(contact=("马丽", "0468-0000123", "党政办"), date="2021年1月20日",
                   proactive={"normative_docs": (0, 0, 1), "licensing": (1, 0, 14), "other_services": (3, 0, 66),
                              "procurement": (1, "8.35")},
                   received="N2", outcome={"disclosed": "N1"},
                   overview="2020年，团结镇在镇村两级公开栏及时公开耕地地力保护补贴、低保和特困供养对象等信息，接受群众监督。全年办理乡村建设规划许可14件。收到自然人政府信息公开申请2件，办结1件，另1件于12月下旬收到，结转下年度继续办理。",
                   problems="村级公开栏内容更新不及时，部分村公开信息停留在上一季度。下一步将实行村务公开月检查制度。",
                   other=NO_FEE),
        2021: dict(contact=("马丽", "0468-0000123", "党政办"), date="2022年1月18日",
                   proactive={"normative_docs": (0, 0, 1), "licensing": (12,)},
                   received="N1", outcome={"disclosed": "N2"},
                   overview="2021年，团结镇围绕村级组织换届、土地承包经营权确权和惠农补贴发放开展公开，换届选举结果在各村张榜公布。全年办理乡村建设规划许可12件。收到自然人政府信息公开申请1件，连同上年结转的1件，共办结2件。",
                   problems="上年度实行的村务公开月检查制度运行良好。目前的不足是镇政府网上公开栏目设置不够细，群众查找信息不便。2022年将按照县政府办统一标准调整栏目设置。",
                   other=NO_FEE),
    },
    "230421-24": {
        2020: dict(contact=("何军", "0468-0000124", "党政办"), date="2021年1月15日",
                   proactive={"licensing": (1, 0, 6), "other_services": (3, 0, 29)},
                   received="", outcome={},
                   overview="2020年，肇兴镇坚持把政务公开与便民服务相结合，在镇便民服务中心公开办事指南和收费标准，在各村公开惠农补贴和低保信息。全年办理乡村建设规划许可6件。本年度未收到政府信息公开申请，未发生政府信息公开行政复议和行政诉讼。",
                   problems="主动公开信息数量偏少，网上公开仍以年度性信息为主。下一步将定期梳理镇政府主动公开事项，丰富公开内容。",
                   other=NO_FEE),
        2021: dict(contact=("何军", "0468-0000124", "党政办"), date="2022年1月17日",
                   proactive={"licensing": (5,)},
                   received="", outcome={},
                   overview="2021年，肇兴镇重点公开了农村人居环境整治、村级“三资”管理和防汛救灾等信息，汛期及时发布防汛预警和转移安置信息。全年办理乡村建设规划许可5件。本年度未收到政府信息公开申请。",
                   problems="上年度公开内容偏少的问题有所改进，全年发布主动公开信息28条。但公开信息的规范性仍有不足，部分信息缺少发布日期和发布机关。2022年将对照县政府办发布规范逐条整改。",
                   other=NO_FEE),
    },
    "230421-25": {
        2020: dict(contact=("徐彬", "0468-0000125", "党政办"), date="2021年1月22日",
                   proactive={"licensing": (1, 0, 3), "other_services": (2, 0, 18)},
                   received="", outcome={},
                   overview="太平沟乡地处偏远山区，2020年乡政府在公开栏和各村微信群公开低保救助、森林防火和乡村建设等信息。全年办理乡村建设规划许可3件。本年度未收到政府信息公开申请。",
                   problems="受网络条件和人员限制，网上公开内容较少，更新不及时。下一步将按月向县政府门户网站乡镇专栏报送公开信息。",
                   other=NO_FEE),
        2021: dict(contact=("徐彬", "0468-0000125", "党政办"), date="2022年1月24日",
                   proactive={"licensing": (4,)},
                   received="", outcome={},
                   overview="2021年，太平沟乡重点公开了防汛救灾、森林草原防火和农村低保动态调整等信息，低保对象名单在各村公示7天。全年办理乡村建设规划许可4件。本年度未收到政府信息公开申请，未发生政府信息公开行政复议和行政诉讼。",
                   problems="上年度提出的按月报送制度已执行，但报送信息以工作动态为主，政策类信息较少。2022年将增加政策文件和办事指南的公开。",
                   other=NO_FEE),
    },
}


def report_path(year: int, code: str) -> Path:
    return HERE / "reports" / str(year) / f"{code}.json"


def _columns(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in text.split():
        out[COLUMNS[item[0]]] = int(item[1:])
    return out


def _number(fmt: Format, key: str, value) -> int | float:
    if fmt.cells[key].kind == "money":
        return to_json_number(Decimal(str(value)), "money")
    return int(value)


def build(code: str, year: int, entry, data: dict) -> dict:
    """The document for one agency and year; 2021 上年结转 comes from the 2020 file on disk."""
    fmt = format_for_year(year)
    tables = {k: _number(fmt, k, 0) for k in fmt.input_keys()}
    for row, values in data["proactive"].items():
        keys = [k for k in fmt.input_keys() if k.startswith(f"proactive.{row}.")]
        if len(keys) != len(values):
            raise ValueError(f"{code} {year}: proactive.{row} needs {len(keys)} values, got {values}")
        for key, value in zip(keys, values, strict=True):
            tables[key] = _number(fmt, key, value)
    if year == 2021:
        prev = load_document(report_path(2020, code))["tables"]
        carried = {col: prev[f"requests.carry_forward.{col}"] for col in COLUMNS.values()}
    else:
        carried = _columns(data.get("carried", ""))
    received = _columns(data["received"])
    closed = dict.fromkeys(COLUMNS.values(), 0)
    for path, text in data["outcome"].items():
        for col, n in _columns(text).items():
            key = f"requests.outcome.{path}.{col}"
            if key not in fmt.cells or key in fmt.derived:
                raise ValueError(f"{code} {year}: {key} is not an input cell of {fmt.id}")
            tables[key] = n
            closed[col] += n
    for col in COLUMNS.values():
        tables[f"requests.received.{col}"] = received.get(col, 0)
        tables[f"requests.carried_over.{col}"] = carried.get(col, 0)
        forward = received.get(col, 0) + carried.get(col, 0) - closed[col]
        if forward < 0:
            raise ValueError(f"{code} {year}: column {col} closes more requests than it received and carried")
        tables[f"requests.carry_forward.{col}"] = forward
    for item in data.get("reviews", "").split():
        key, n = item.split("=")
        tables[f"reviews.{key}"] = int(n)
    agency = {"name": entry.name, "code": code, "level": entry.level}
    doc = new_document(fmt, year, agency, compute_derived(fmt, tables))
    doc["contact"] = dict(zip(("person", "phone", "department"), data["contact"], strict=True))
    doc["date"] = data["date"]
    doc["sections"] = {"overview": data["overview"], "problems": data["problems"], "other": data["other"]}
    return doc


def generate(force: bool) -> int:
    roster = {e.code: e for e in load_roster(HERE / "roster-luobei.csv")}
    kept = 0
    for year in (2020, 2021):  # 2020 first: 2021 reads its 上年结转 from the 2020 files
        for code, years in DATA.items():
            if (year, code) in REAL or year not in years:
                continue
            path = report_path(year, code)
            text = dump_document(build(code, year, roster[code], years[year]))
            if path.exists() and path.read_text(encoding="utf-8") != text and not force:
                print(f"保留已修改的文件（未覆盖）：{path.relative_to(HERE)}；如需按脚本数据重写，请加 --force")
                kept += 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    print(f"完成；{kept} 个已修改的文件保持不变。")
    return 0


def recompute() -> int:
    """Totals, 2021 上年结转 and every 结转下年度 of the committed files, after a hand edit."""
    cols = list(COLUMNS.values())
    for year in (2020, 2021):
        for path in sorted((HERE / "reports" / str(year)).glob("*.json")):
            doc = load_document(path)
            if (year, doc["agency"]["code"]) in REAL:
                continue
            fmt = format_for_year(year)
            tables = {k: v for k, v in doc["tables"].items() if k not in fmt.derived}
            if year == 2021:
                prev_path = report_path(2020, doc["agency"]["code"])
                if prev_path.exists():
                    prev = load_document(prev_path)["tables"]
                    for col in cols:
                        tables[f"requests.carried_over.{col}"] = prev[f"requests.carry_forward.{col}"]
            closed = compute_derived(fmt, tables)
            for col in cols:
                forward = (tables[f"requests.received.{col}"] + tables[f"requests.carried_over.{col}"]
                           - closed[f"requests.outcome.total.{col}"])
                if forward < 0:
                    print(f"{path.relative_to(HERE)}：“{col}”列办结数多于新收加上年结转，请先改正", file=sys.stderr)
                    return 1
                tables[f"requests.carry_forward.{col}"] = forward
            computed = compute_derived(fmt, tables)
            doc["tables"] = {k: computed[k] for k in fmt.cells}
            text = dump_document(doc)
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"已更新：{path.relative_to(HERE)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成萝北县样例年报数据（虚构部分）")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="按脚本中的数据覆盖所有虚构报告（真实报告不受影响）")
    group.add_argument("--recompute", action="store_true", help="手工修改 JSON 后重新计算合计、上年结转和结转下年度")
    args = parser.parse_args(argv)
    return recompute() if args.recompute else generate(args.force)


if __name__ == "__main__":
    sys.exit(main())
