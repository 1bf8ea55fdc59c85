"""Paper texts → ``templates/papers/*.docx``: the base .docx of the variant + styled paragraphs.

Run ``python -m docgen.papers.build_templates`` after changing a text. Every Jinja tag sits in
one run (one run per paragraph or cell), so docxtpl sees it whole; ``docgen paper check`` verifies.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.templates import TEMPLATES_DIR
from docgen.typeset import variants as v
from docgen.typeset.docx_base import LINE_TWIPS, base_path, mm_to_twips

PAPERS_DIR = TEMPLATES_DIR / "papers"

Para = tuple[str, str]  # (paragraph style, text with Jinja tags)
Row = tuple[str, ...]  # a table row: label, value, label, value … ; "" = empty cell

B = "Body"
H1 = "Heading 1"
TAIL: list[Para] = [("Signature", "{{ sender }}"), ("DocDate", "{{ today }}")]
#: 附注 with the contact, only when the clerk gave one (no “联系人：____” on a finished paper).
CONTACT: list[Para] = [
    ("Note", "{%p if contact_line %}"),
    ("Note", "（{{ contact_line }}）"),
    ("Note", "{%p endif %}"),
]
RECEIPT = (
    "{{ you }}于{{ registered_on }}以{{ form }}形式（信访件编号：{{ case_no }}）"
    "反映{{ category }}问题，诉求为：{{ demand }}。本机关已收悉。"
)
REVIEW = (
    "如对本处理意见不服，可自收到本意见书之日起30日内，向{{ review_organ }}书面提出复查请求"
    "（《信访工作条例》第三十五条）。"
)

PAPERS: dict[str, tuple[str, list[Para]]] = {
    "assign.docx": ("letter", [
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "关于交办{{ petitioners }}信访事项的函"),
        ("Recipient", "{{ unit }}："),
        (B, "{{ petitioners }}（信访件编号：{{ case_no }}）于{{ registered_on }}以{{ form }}形式"
            "反映{{ category }}问题，现交你单位办理。基本案情：{{ facts }}。诉求：{{ demand }}。"),
        (B, "包案领导为{{ leader_post }}{{ leader_name }}，责任人为{{ responsible_person }}。"
            "请依法调查核实、书面答复信访人，于{{ due_on }}前办结，并将办理结果以正式公文"
            "（主要负责人签发）报送本机关，附信访人签收的处理意见书及送达回证。逾期将予督办、通报。"),
        *TAIL,
        *CONTACT,
    ]),
    "supervise.docx": ("letter", [
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "关于督办{{ petitioners }}信访事项的函"),
        ("Recipient", "{{ unit }}："),
        (B, "本机关于{{ assigned_on }}以{{ assign_doc_no }}交由你单位办理的{{ petitioners }}"
            "反映{{ category }}问题信访事项（信访件编号：{{ case_no }}），办结时限为{{ due_on }}，"
            "至今未办结。督办事由：{{ reason }}。"),
        (B, "现采取{{ method }}方式予以督办。请你单位查明原因、认真整改，于{{ report_by }}前"
            "将办理进展情况书面报送本机关，报告须经单位主要负责人签字。"),
        (B, "逾期仍未办结或未报送的，本机关将按照《信访工作条例》有关规定予以通报，"
            "并提请有关部门追究相关人员责任。"),
        *TAIL,
        *CONTACT,
    ]),
    "leader.docx": ("document", [
        ("OrgMark", "{{ sender }}文件"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "关于{{ petitioners }}信访事项实行领导包案的通知"),
        ("Recipient", "{{ unit }}："),
        (B, "为推动{{ petitioners }}反映{{ category }}问题信访事项（信访件编号：{{ case_no }}）"
            "依法及时就地解决，根据《信访工作条例》第十八条关于领导干部包案化解群众反映强烈问题的"
            "规定，经研究，决定对该信访事项实行领导包案。现将有关事项通知如下。"),
        (H1, "一、案件基本情况"),
        (B, "{{ facts }}。信访人诉求：{{ demand }}。"),
        (H1, "二、包案责任"),
        (B, "包案领导：{{ leader_post }}{{ leader_name }}；责任单位：{{ unit }}；"
            "具体责任人：{{ responsible_person }}；承办人：{{ handler }}。"),
        (B, "包案领导履行“包调查、包处理、包息诉罢访、包稳控”职责，亲自阅卷、约访信访人，"
            "研究化解方案，督促责任单位落实。"),
        (H1, "三、化解措施"),
        (B, "{{ resolution_measures }}。"),
        (H1, "四、时限要求"),
        (B, "包案期限为3个月，确需延长的，经批准可延长1个月。本信访事项应于{{ due_on }}前办结，"
            "办结后由包案领导签字报送查办报告。信访人再次信访的，仍由原包案领导负责。"),
        *TAIL,
        *CONTACT,
    ]),
    "minutes.docx": ("minutes", [
        ("OrgMark", "信访积案会商会议纪要"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "{{ petitioners }}信访事项包案会商会议纪要"),
        (B, "{{ meeting_date }}，{{ chair }}主持召开会议（地点：{{ place }}），包案领导"
            "{{ leader_post }}{{ leader_name }}参加，专题会商{{ petitioners }}反映{{ category }}问题"
            "信访事项（信访件编号：{{ case_no }}）。现纪要如下："),
        (B, "会议听取了{{ unit }}关于该信访事项的情况汇报。{{ facts }}。"),
        (B, "{{ views }}。"),
        (B, "会议认为，该信访事项应当依法依规、实事求是地处理，既要维护信访人合法权益，"
            "也要做好疏导教育工作。会议议定以下事项："),
        ("Heading 3", "{%p for item in decisions %}"),
        ("Heading 3", "{{ item.n }}.{{ item.text }}。"),
        ("Heading 3", "{%p endfor %}"),
        (B, "会议要求，各责任单位按照议定事项明确的责任和时限抓好落实，并及时报送进展情况。"),
        ("Attendance", "出席：{{ attendees }}"),
        ("Attendance", "列席：{{ observers }}"),
        ("Imprint", "{{ org_name }}\t{{ today }}印发"),
    ]),
    "report.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumberUp", "　{{ doc_no }}\t签发人：\v{{ signer }}"),
        ("DocTitle", "关于{{ petitioners }}反映{{ category }}问题信访事项办理情况的报告"),
        ("Recipient", "{{ addressee }}："),
        (B, "{{ org_name }}于{{ assigned_on }}以{{ assign_doc_no }}交办的{{ petitioners }}信访事项"
            "（信访件编号：{{ case_no }}），由{{ unit }}办理，包案领导为{{ leader_post }}"
            "{{ leader_name }}。现将办理情况报告如下。"),
        (H1, "一、信访人及反映的主要问题"),
        (B, "信访人{{ petitioners }}于{{ registered_on }}以{{ form }}形式反映：{{ facts }}"
            "。其主要诉求为：{{ demand }}。"),
        (H1, "二、调查核实情况"),
        (B, "{{ findings }}。"),
        (B, "以上核查结果经核查组多数成员同意。不同意见：{{ dissent }}。"),
        (H1, "三、处理意见"),
        (B, "{{ opinion }}。"),
        (H1, "四、处理意见落实情况"),
        (B, "{{ implementation }}。"),
        (B, "信访人态度：{{ attitude }}。"),
        ("Attachment", "附件：信访人签收的处理意见书及送达回证"),
        *TAIL,
        ("Recipient", "承办人（签字）：　　　　　　　　日期："),
        ("Recipient", "包案领导（签字）：　　　　　　　日期："),
        ("Recipient", "单位主要负责人（签字）：　　　　日期："),
        ("Note", "（经办人：{{ handler }}，联系电话：{{ contact_phone }}）"),
    ]),
    "opinion.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项处理意见书"),
        ("Recipient", "{{ addressee }}："),
        (B, "{{ you }}于{{ registered_on }}以{{ form }}形式（信访件编号：{{ case_no }}）"
            "向本机关反映{{ category }}问题，本机关于{{ accepted_on }}依法受理。现答复如下。"),
        (H1, "一、信访请求"),
        (B, "{{ demand }}。"),
        (H1, "二、事实和理由"),
        (B, "{{ investigation }}。"),
        (B, "{{ facts_reasons }}。"),
        (H1, "三、处理意见"),
        (B, "{%p for item in opinion %}"),
        (B, "{% if opinion|length > 1 %}（{{ item.cn }}）{% endif %}{{ item.text }}。"),
        (B, "{%p endfor %}"),
        (B, "根据{{ legal_basis }}的规定，本机关对{{ you }}的信访请求{{ outcome_text }}。"),
        (H1, "四、救济途径"),
        (B, REVIEW),
        (B, "特此答复。"),
        *TAIL,
        ("Cc", "抄送：{{ cc }}。"),
    ]),
    "accept.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项受理告知书"),
        ("Recipient", "{{ petitioners }}："),
        (B, RECEIPT),
        (B, "经审查，该信访事项符合受理条件，本机关决定于{{ accepted_on }}予以受理，"
            "由{{ unit }}负责办理。"),
        (B, "依照《信访工作条例》第三十四条，本信访事项自受理之日起60日内办结，即于{{ due_on }}前"
            "办结；情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不超过30日，"
            "届时将另行书面告知延期理由。"),
        (B, "特此告知。"),
        *TAIL,
        *CONTACT,
        ("Cc", "本告知书一式二份，一份交信访人，一份附卷。"),
    ]),
    "reject.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项不予受理告知书"),
        ("Recipient", "{{ petitioners }}："),
        (B, RECEIPT),
        (B, "经审查，{{ reason }}。根据{{ legal_basis }}的规定，本机关决定不予受理。"),
        (B, "请{{ you }}向{{ proper_organ }}提出，或依照法律、法规规定的程序办理。"),
        (B, "特此告知。感谢{{ you }}对信访工作的支持。"),
        *TAIL,
        ("Cc", "本告知书一式二份，一份交信访人，一份附卷。"),
    ]),
    "extend.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项延期办理告知书"),
        ("Recipient", "{{ petitioners }}："),
        (B, "{{ you }}于{{ registered_on }}反映的{{ category }}问题信访事项（信访件编号："
            "{{ case_no }}），本机关已于{{ accepted_on }}受理，原定办结时限为{{ due_on }}。"),
        (B, "因{{ reason }}，该信访事项不能在60日内办结。经本机关负责人批准，依照《信访工作条例》"
            "第三十四条，办理期限延长30日，"
            "延长后的办结时限为{{ extended_due_on }}。"),
        (B, "特此告知。"),
        *TAIL,
        ("Cc", "本告知书一式二份，一份交信访人，一份附卷。"),
    ]),
    "agreement.docx": ("document", [
        ("DocTitle", "息诉罢访协议书"),
        ("Recipient", "甲方：{{ unit }}"),
        ("Recipient", "{%p for p in parties %}"),
        ("Recipient", "乙方{% if parties|length > 1 %}{{ p.n }}{% endif %}（信访人）：{{ p.name }}，"
                      "身份证号码：{{ p.id_number }}，住址：{{ p.address }}"),
        ("Recipient", "{%p endfor %}"),
        ("Recipient", "见证单位：{{ witness }}"),
        (B, "乙方于{{ registered_on }}起以{{ form }}形式反映{{ category }}问题（信访件编号："
            "{{ case_no }}），诉求为：{{ demand }}。经甲乙双方平等协商，依照《信访工作条例》"
            "第三十三条，双方自愿达成如下协议："),
        ("Heading 3", "{%p for item in clauses %}"),
        ("Heading 3", "第{{ item.cn }}条　{{ item.text }}。"),
        ("Heading 3", "{%p endfor %}"),
        (B, "乙方承诺：本协议履行后，不再就同一事实和理由提出信访诉求。本协议不影响乙方依法"
            "通过诉讼、行政复议等法定途径维护自身合法权益。"),
        (B, "协议履行情况：{{ fulfilment }}。"),
        (B, "本协议一式三份，甲乙双方及见证单位各执一份，自双方签字（盖章）之日起生效。"),
        ("Signatory", "甲方（盖章）：{{ unit }}"),
        ("Signatory", "{%p for p in parties %}"),
        ("Signatory", "乙方（签字、按手印）：{{ p.name }}"),
        ("Signatory", "{%p endfor %}"),
        ("Signatory", "见证单位（盖章）：{{ witness }}"),
        ("Signatory", "签订日期：　　　　年　　月　　日"),
    ]),
    "stability.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "{{ petitioners }}信访事项稳控方案"),
        (B, "为做好{{ petitioners }}反映{{ category }}问题信访事项（信访件编号：{{ case_no }}）"
            "的稳控工作，落实“包化解、包稳控”责任，制定本方案。"),
        (H1, "一、基本情况"),
        (B, "信访人诉求：{{ demand }}。风险等级：{{ risk }}。"),
        (H1, "二、稳控责任"),
        (B, "包案领导：{{ leader_post }}{{ leader_name }}；稳控责任单位：{{ unit }}；"
            "稳控责任人：{{ keeper }}；具体责任人：{{ responsible_person }}。"),
        (H1, "三、稳控期间"),
        (B, "{{ period }}。"),
        (H1, "四、稳控措施"),
        (B, "{{ stability_measures }}。"),
        (B, "稳控期间，责任人每日掌握信访人动态，做到人动我知；每日10时、17时向本机关报告，"
            "无异常情况实行零报告，发现异常情况立即报告并就地做好劝返工作。"),
        (H1, "五、责任追究"),
        (B, "因工作不力导致信访人赴省进京非正常上访的，依照有关规定追究相关人员责任。"),
        *TAIL,
        *CONTACT,
    ]),
    "plan.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "{{ petitioners }}信访事项一案一策化解方案"),
        (B, "为依法及时化解{{ petitioners }}反映{{ category }}问题信访事项（信访件编号：{{ case_no }}），"
            "落实领导包案责任，根据《信访工作条例》第十八条关于领导干部包案化解群众反映强烈问题的"
            "规定，按照“一案一策”要求，研究制定本方案。"),
        (H1, "一、基本情况"),
        (B, "信访人{{ petitioners }}于{{ registered_on }}以{{ form }}形式反映：{{ facts }}。"
            "其主要诉求为：{{ demand }}。"),
        (H1, "二、问题症结"),
        (B, "{{ root_cause }}。"),
        (H1, "三、政策法律依据"),
        (B, "{{ legal_basis }}。"),
        (H1, "四、包案责任"),
        (B, "包案领导：{{ leader_post }}{{ leader_name }}；责任单位：{{ unit }}；"
            "具体责任人：{{ responsible_person }}。"),
        (B, "包案领导履行“四包”职责：包掌握情况，亲自阅卷、约见信访人，摸清诉求和症结；"
            "包思想转化，做好疏导教育；包解决化解，协调解决合理诉求；包息诉罢访，"
            "直至信访人息诉罢访。"),
        (H1, "五、化解措施"),
        (B, "{{ resolution_measures }}。"),
        (H1, "六、工作步骤"),
        ("Heading 3", "{%p for item in steps %}"),
        ("Heading 3", "（{{ item.cn }}）{{ item.text }}。"),
        ("Heading 3", "{%p endfor %}"),
        (H1, "七、化解目标和时限"),
        (B, "{{ goal }}。本信访事项应于{{ due_on }}前办结；各步骤的责任人按上述时限落实，"
            "并向包案领导报告进展。"),
        *TAIL,
        *CONTACT,
    ]),
    "leader-pledge.docx": ("document", [
        ("DocTitle", "信访事项包案责任书"),
        (B, "根据《信访工作条例》第十八条关于领导干部包案化解群众反映强烈问题的规定，"
            "{{ org_name }}确定由{{ leader_post }}{{ leader_name }}包案化解{{ petitioners }}反映"
            "{{ category }}问题信访事项（信访件编号：{{ case_no }}），责任单位为{{ unit }}，"
            "具体责任人为{{ responsible_person }}。信访人诉求：{{ demand }}。"),
        (B, "包案领导承诺履行“四包”职责："),
        ("Heading 3", "一、包掌握情况。亲自阅卷，约见信访人，全面掌握信访事项的来龙去脉和信访人的"
                      "真实诉求。"),
        ("Heading 3", "二、包思想转化。做好政策解释和疏导教育，引导信访人依法理性表达诉求。"),
        ("Heading 3", "三、包解决化解。研究制定一案一策化解方案，协调有关单位依法解决合理诉求。"),
        ("Heading 3", "四、包息诉罢访。推动信访人息诉罢访，信访人再次信访的，仍由本人负责。"),
        (B, "包案期限：{{ period }}，本信访事项应于{{ due_on }}前办结。化解目标：{{ goal }}。"),
        (B, "本责任书一式三份，包案领导、责任单位和{{ org_name }}各执一份。"),
        ("Signatory", "包案领导（签字）：{{ leader_name }}"),
        ("Signatory", "责任单位主要负责人（签字）："),
        ("Signatory", "签订日期：　　　　年　　月　　日"),
    ]),
    "pledge.docx": ("document", [
        ("DocTitle", "息诉罢访保证书"),
        ("Recipient", "{%p for p in parties %}"),
        ("Recipient", "保证人{% if parties|length > 1 %}{{ p.n }}{% endif %}：{{ p.name }}，"
                      "身份证号码：{{ p.id_number }}，住址：{{ p.address }}"),
        ("Recipient", "{%p endfor %}"),
        (B, "本人于{{ registered_on }}起以{{ form }}形式反映{{ category }}问题（信访件编号："
            "{{ case_no }}），诉求为：{{ demand }}。"),
        (B, "经{{ unit }}依法办理，处理结果为：{{ resolution }}。本人对处理结果表示认可。"),
        (B, "本人自愿保证：不再就同一事实和理由提出信访诉求，不采取越级走访、缠访闹访等"
            "方式表达诉求；如有新的事实和理由，依照法律法规规定的途径提出。"),
        (B, "{{ pledge }}。"),
        (B, "本保证书不影响本人依法通过诉讼、行政复议等法定途径维护自身合法权益。"
            "本保证书一式二份，保证人和{{ unit }}各执一份，签字后附卷。"),
        ("Signatory", "{%p for p in parties %}"),
        ("Signatory", "保证人（签字、按手印）：{{ p.name }}"),
        ("Signatory", "{%p endfor %}"),
        ("Signatory", "日期：　　　　年　　月　　日"),
    ]),
    "hearing-notice.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项听证通知书"),
        ("Recipient", "{{ petitioners }}："),
        (B, "{{ you }}于{{ registered_on }}以{{ form }}形式（信访件编号：{{ case_no }}）反映"
            "{{ category }}问题，诉求为：{{ demand }}。为查明事实、分清责任，本机关决定依照"
            "《信访工作条例》第三十六条的规定，对该信访事项{{ matter }}举行听证。"),
        (B, "听证时间：{{ hearing_time }}。"),
        (B, "听证地点：{{ place }}。"),
        (B, "听证主持人：{{ host }}。"),
        (B, "请{{ you }}按时参加，并携带{{ materials }}。{{ you }}可以委托一至二名代理人参加，"
            "代理人须提交授权委托书。无正当理由不参加听证的，不影响听证的进行。"),
        (B, "听证所需时间不计入复核期限。特此通知。"),
        *TAIL,
        *CONTACT,
        ("Cc", "本通知书一式二份，一份交信访人，一份附卷。"),
    ]),
    "hearing-minutes.docx": ("minutes", [
        ("OrgMark", "信访事项听证会纪要"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "{{ petitioners }}信访事项听证会纪要"),
        (B, "{{ hearing_time }}，{{ org_name }}在{{ place }}举行听证会，由{{ host }}主持，"
            "对{{ petitioners }}反映{{ category }}问题信访事项（信访件编号：{{ case_no }}）"
            "公开听证，甄别、认定有关事实。现纪要如下："),
        (B, "会议听取了信访人的陈述。信访人诉求：{{ demand }}。{{ statements }}。"),
        (B, "会议听取了{{ unit }}关于办理情况的说明，并进行了质证和辩论。"),
        (B, "听证员评议认为：{{ views }}。"),
        (B, "会议形成以下听证意见："),
        ("Heading 3", "{%p for item in conclusions %}"),
        ("Heading 3", "{{ item.n }}.{{ item.text }}。"),
        ("Heading 3", "{%p endfor %}"),
        (B, "听证意见作为作出处理、复查或复核意见的参考。"),
        ("Attendance", "听证员：{{ panel }}"),
        ("Attendance", "出席：{{ attendees }}"),
        ("Imprint", "{{ org_name }}\t{{ today }}印发"),
    ]),
    "review.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项复查意见书"),
        ("Recipient", "{{ petitioners }}："),
        (B, "{{ you }}不服{{ original }}，于{{ requested_on }}向本机关提出复查请求（信访件编号："
            "{{ case_no }}）。本机关依照《信访工作条例》第三十五条予以受理，现提出复查意见如下。"),
        (H1, "一、复查请求"),
        (B, "{{ demand }}。"),
        (H1, "二、复查认定的事实"),
        (B, "{{ findings }}。"),
        (H1, "三、复查意见"),
        (B, "{%p for item in opinion %}"),
        (B, "{% if opinion|length > 1 %}（{{ item.cn }}）{% endif %}{{ item.text }}。"),
        (B, "{%p endfor %}"),
        (B, "根据{{ legal_basis }}的规定，本机关{{ conclusion_text }}。"),
        (H1, "四、救济途径"),
        (B, "如对本复查意见不服，可自收到本意见书之日起30日内，向{{ recheck_organ }}书面提出复核请求"
            "（《信访工作条例》第三十六条）。"),
        (B, "特此答复。"),
        *TAIL,
        ("Cc", "抄送：{{ cc }}。"),
    ]),
    "recheck.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项复核意见书"),
        ("Recipient", "{{ petitioners }}："),
        (B, "{{ you }}不服{{ original }}，于{{ requested_on }}向本机关提出复核请求（信访件编号："
            "{{ case_no }}）。本机关依照《信访工作条例》第三十六条予以受理，"
            "{% if hearing %}{{ hearing }}，{% endif %}现提出复核意见如下。"),
        (H1, "一、复核请求"),
        (B, "{{ demand }}。"),
        (H1, "二、复核认定的事实"),
        (B, "{{ findings }}。"),
        (H1, "三、复核意见"),
        (B, "{%p for item in opinion %}"),
        (B, "{% if opinion|length > 1 %}（{{ item.cn }}）{% endif %}{{ item.text }}。"),
        (B, "{%p endfor %}"),
        (B, "根据{{ legal_basis }}的规定，本机关{{ conclusion_text }}。"),
        (H1, "四、告知事项"),
        (B, "本复核意见为该信访事项的最终意见。依照《信访工作条例》第三十六条第三款，{{ you }}"
            "仍以同一事实和理由提出投诉请求的，各级信访部门和其他机关不再受理。"),
        (B, "特此答复。"),
        *TAIL,
        ("Cc", "抄送：{{ cc }}。"),
    ]),
    "forward.docx": ("letter", [
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "关于转送{{ petitioners }}信访事项的函"),
        ("Recipient", "{{ proper_organ }}："),
        (B, "{{ petitioners }}（信访件编号：{{ case_no }}）于{{ registered_on }}以{{ form }}形式"
            "向本机关反映{{ category }}问题，诉求为：{{ demand }}。{{ reason }}，依照《信访工作条例》"
            "第二十二条，现转送你单位依法处理。"),
        (B, "请你单位依照《信访工作条例》第二十三条，自收到本函之日起15日内书面告知信访人接收情况"
            "以及处理途径和程序；认为不属于你单位职权范围的，请于5个工作日内提出异议并说明理由。"),
        (B, "附件：信访件及有关材料"),
        *TAIL,
        *CONTACT,
    ]),
    "final.docx": ("document", [
        ("OrgMark", "{{ sender }}"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "信访事项终结告知书"),
        ("Recipient", "{{ petitioners }}："),
        (B, "{{ you }}反映的{{ category }}问题信访事项（信访件编号：{{ case_no }}），已经依法办理、"
            "复查，并由{{ recheck_organ }}于{{ rechecked_on }}作出{{ recheck_doc }}。"),
        (B, "依照《信访工作条例》第三十六条第三款，{{ you }}对复核意见不服，仍以同一事实和理由提出"
            "投诉请求的，各级信访部门和其他机关不再受理。该信访事项的信访程序已经终结，"
            "以后不再登记、不再受理、不再交办。"),
        (B, "依照《信访工作条例》第三十七条，当地党委和政府将继续做好疏导教育、矛盾化解和帮扶救助"
            "工作。{{ you }}有新的事实和理由的，可以依法另行提出；也可以依法通过诉讼等法定途径"
            "维护自身合法权益。"),
        (B, "特此告知。"),
        *TAIL,
        ("Cc", "本告知书一式二份，一份交信访人，一份附卷。"),
    ]),
    "circular.docx": ("document", [
        ("OrgMark", "{{ sender }}文件"),
        ("DocNumber", "{{ doc_no }}"),
        ("DocTitle", "关于{{ unit }}信访事项办理不力的通报"),
        ("Recipient", "{{ addressee }}："),
        (B, "本机关于{{ assigned_on }}以{{ assign_doc_no }}交由{{ unit }}办理的{{ petitioners }}"
            "反映{{ category }}问题信访事项（信访件编号：{{ case_no }}），办结时限为{{ due_on }}。"
            "经本机关以{{ supervised }}督办，至今仍未办结。{{ reason }}。"),
        (B, "为严明工作纪律，依照《信访工作条例》第四十五条的规定，经研究，决定对{{ unit }}"
            "予以通报批评。"),
        (B, "{{ unit }}要{{ requirements }}，并于{{ report_by }}前将整改情况书面报送本机关。"),
        (B, "各单位要引以为戒，严格落实信访工作责任制，按期办结交办的信访事项。"),
        *TAIL,
        *CONTACT,
    ]),
}  # fmt: skip

FORMS: dict[str, tuple[list[Para], list[Row], list[Para]]] = {
    "follow-up.docx": (
        [("DocTitle", "信访事项回访记录")],
        [
            ("信访件编号", "{{ case_no }}", "信访人", "{{ petitioners }}"),
            ("承办单位", "{{ unit }}", "回访日期", "{{ visit_date }}"),
            ("回访方式", "{{ visit_method }}", "回访人", "{{ visitors }}"),
            ("信访诉求", "{{ demand }}"),
            ("回访内容", "{{ content }}"),
            ("处理意见落实情况", "{{ carried_out }}"),
            ("满意程度", "{{ attitude }}"),
            ("历次回访（回访人）", "日期", "方式", "态度"),
            ("{%tr for v in follow_ups %}",),
            ("{{ v.visitors }}", "{{ v.date }}", "{{ v.method }}", "{{ v.attitude }}"),
            ("{%tr endfor %}",),
            ("信访人签字", "", "回访人签字", ""),
            ("备注", "{{ remarks }}"),
        ],
        [("DocDate", "{{ org_name }}　{{ today }}")],
    ),
    "service.docx": (
        [("DocTitle", "送达回证")],
        [
            ("送达机关", "{{ org_name }}", "信访件编号", "{{ case_no }}"),
            ("送达文书名称", "{{ served_doc }}", "件数", "{{ copies }}"),
            ("受送达人", "{{ recipient }}", "送达方式", "{{ method }}"),
            ("送达地址", "{{ address }}"),
            ("受送达人签名或盖章", "", "送达时间", "{{ served_at }}"),
            ("代收人及代收理由", "{{ proxy }}　{{ proxy_reason }}", "代收时间", "年　月　日"),
            ("见证人（留置送达）", "{{ witness_person }}", "拒收理由", "{{ refusal }}"),
            ("送达人", "{{ server }}", "填发人", "{{ issuer }}"),
            ("备考", "{{ remarks }}"),
        ],
        [("Note", "（受送达人签收的日期为送达时间。留置送达的，应由见证人签名。）")],
    ),
}  # fmt: skip


def _clear_body(document) -> None:  # type: ignore[no-untyped-def]
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _add(document, style: str, text: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph(style=style)
    if "\v" in text:  # “…签发人：\v{{ signer }}”: the name in 楷体 (GB/T 9704 上行文)
        text, name = text.split("\v", 1)
        paragraph.add_run(text)
        paragraph.add_run(name, style="Kai")
        return
    if style == "Attendance":  # “出席：” in 黑体 (the Label character style), names after it
        label, colon, text = text.partition("：")
        paragraph.add_run(label + colon, style="Label")
    paragraph.add_run(text)  # one run: every tag stays whole


#: 版记 styles: these paragraphs leave the body and go into the 版记 table at the page foot.
IMPRINT_STYLES = ("Cc", "Imprint")
#: GB/T 9704 7.4: the first and last 版记 rules 0.35 mm (1 pt = sz 8), the ones between 0.25 mm.
_THICK_EIGHTHS, _THIN_EIGHTHS = 8, 6


def add_imprint_table(document, paras: list[Para]) -> None:  # type: ignore[no-untyped-def]
    # The rows' height is fixed (exact lines) so that the offset below puts the table's last
    # rule on the foot of the text block.
    """The 版记 as a borderless two-column table anchored at the foot of the page, one row per
    item, with rules between rows: the last thing on the last page, wherever the body ends."""
    table = document.add_table(rows=0, cols=2)
    table.style = "ImprintTable"
    tbl_pr = table._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    # The foot of the text block less the table's height (rows of exact lines plus the rules):
    # an offset both Word and LibreOffice honour (LibreOffice ignores tblpYSpec="bottom").
    height = len(paras) * LINE_TWIPS + (len(paras) + 1) * 20
    top = mm_to_twips(v.TEXT_HEIGHT_MM) - height
    for key, value in (
        ("leftFromText", 0),
        ("rightFromText", 0),
        ("vertAnchor", "margin"),
        ("horzAnchor", "margin"),
        ("tblpXSpec", "center"),
        ("tblpY", top),
    ):
        position.set(qn(f"w:{key}"), str(value))  # fmt: skip
    tbl_pr.insert(1, position)
    width = tbl_pr.find(qn("w:tblW"))
    # Narrower than the text block with its cell margins: LibreOffice keeps a full-width
    # floating table inline (measured, LibreOffice 7.4).
    width.set(qn("w:w"), str(mm_to_twips(v.TEXT_WIDTH_MM) - 400))
    width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    sides = (("top", _THICK_EIGHTHS), ("left", 0), ("bottom", _THICK_EIGHTHS), ("right", 0),
             ("insideH", _THIN_EIGHTHS), ("insideV", 0))  # fmt: skip
    for side, size in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if size else "nil")
        if size:
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    width.addnext(borders)  # schema order: tblW, jc, …, tblBorders, …, tblLook
    for style, text in paras:
        cells = table.add_row().cells
        left, _, right = text.partition("\t")
        if right:
            cells[0].paragraphs[0].style = style
            cells[0].paragraphs[0].add_run(left)
            cells[1].paragraphs[0].style = style
            cells[1].paragraphs[0].alignment = 2  # right: 印发日期 flush with the right rule
            cells[1].paragraphs[0].add_run(right)
        else:
            merged = cells[0].merge(cells[1])
            merged.paragraphs[0].style = style
            merged.paragraphs[0].add_run(text)
    # A floating table is anchored to the paragraph after it: a 1-pt one, so it takes no line.
    anchor = document.add_paragraph(style="Normal")
    fmt = anchor.paragraph_format
    fmt.line_spacing, fmt.space_before, fmt.space_after = Pt(1), Pt(0), Pt(0)
    anchor.add_run().font.size = Pt(1)


def _keep_with_next(document) -> None:  # type: ignore[no-untyped-def]
    """The paragraph before the 署名 (or the agreement's 签署栏) keeps with it (GB/T 9704 7.3.5:
    no page holds only the signature)."""
    paragraphs = document.paragraphs
    for index, paragraph in enumerate(paragraphs[1:], 1):
        style = paragraph.style.name if paragraph.style is not None else ""
        before = paragraphs[index - 1].style.name if paragraphs[index - 1].style else ""
        if style not in ("Signature", "Signatory") or before == style:
            continue
        closing = paragraphs[index - 1]
        closing.paragraph_format.keep_with_next = True
        if closing.text.startswith("特此") and index > 1:  # “特此告知。” alone is no body text
            previous = paragraphs[index - 2]
            previous.paragraph_format.keep_with_next = True
            previous.paragraph_format.widow_control = True  # its last two lines come along


def _table(document, rows: list[Row]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=0, cols=4)
    table.style = "FormTable"
    for values in rows:
        cells = table.add_row().cells
        if len(values) < 4:  # label + value spanning the rest, or a lone {%tr %} tag
            merged = cells[1].merge(cells[3]) if len(values) == 2 else cells[0].merge(cells[3])
            targets = [cells[0], merged] if len(values) == 2 else [merged]
        else:
            targets = list(cells)
        for index, (cell, value) in enumerate(zip(targets, values, strict=True)):
            label = index % 2 == 0 and len(values) != 1
            cell.paragraphs[0].style = "FormLabel" if label else "FormCell"
            if value:
                cell.paragraphs[0].add_run(value)


def build(name: str):  # type: ignore[no-untyped-def]
    if name in PAPERS:
        variant, paras = PAPERS[name]
        before, rows, after = paras, [], []
    else:
        variant = "form"
        before, rows, after = FORMS[name]
    document = Document(str(base_path(variant)))
    _clear_body(document)
    imprint = [p for p in (*before, *after) if p[0] in IMPRINT_STYLES]
    for style, text in before:
        if style not in IMPRINT_STYLES:
            _add(document, style, text)
    if rows:
        _table(document, rows)
    for style, text in after:
        if style not in IMPRINT_STYLES:
            _add(document, style, text)
    _keep_with_next(document)
    if imprint:
        add_imprint_table(document, imprint)
    document.core_properties.title = name.removesuffix(".docx")
    return document


def write_all(directory: Path = PAPERS_DIR) -> list[Path]:
    written = []
    for name in (*PAPERS, *FORMS):
        target = directory / name
        tmp = target.with_suffix(".tmp")
        build(name).save(str(tmp))
        tmp.replace(target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else PAPERS_DIR):
        print(path)
