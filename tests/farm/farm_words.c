/* farm_words: the vocabulary of the farm's pages: item titles, article text, person names.
 *
 * Titles are built from templates by column category so a 通知公告 list reads like notices
 * and a 人事 list like appointments. All words are in GB2312, so every page converts to GBK. */
#include "tests/farm/farm.h"

static const char *const topics[] = {
    "安全生产",     "防汛抗旱",     "乡村振兴",     "优化营商环境", "河长制",       "森林防火",
    "文明城市创建", "养老服务",     "义务教育",     "医疗保障",     "稳就业",       "重点项目建设",
    "招商引资",     "生态环境保护", "耕地保护",     "消防安全",     "政务公开",     "12345热线",
    "冬春农业生产", "食品安全",     "城乡环境整治", "农村人居环境", "中小企业发展", "数字政府建设",
    "平安建设",     "社会救助",     "老旧小区改造", "交通运输",     "水利工程",     "文化旅游"};
static const char *const verbs[] = {"召开", "部署", "推进", "调研", "督导", "开展"};
static const char *const meetings[] = {"工作会议", "专题会议", "推进会",
                                       "调度会",   "座谈会",   "现场会"};
static const char *const notice_kinds[] = {"通知", "公告", "公示", "通告"};
static const char *const policy_kinds[] = {"实施方案", "管理办法", "实施意见",
                                           "工作方案", "暂行规定", "若干措施"};
static const char *const posts[] = {"局长", "副局长", "主任",   "副主任",
                                    "科长", "副县长", "副市长", "调研员"};
static const char *const plan_kinds[] = {"发展规划", "工作要点", "年度计划", "专项规划",
                                         "行动计划"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周",
                                       "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
                                       "马", "罗", "谭", "彭", "曾", "蒋", "唐", "邓"};
static const char *const given[] = {"建国", "志强", "海燕", "丽华", "文军", "小平", "红梅",
                                    "国庆", "新民", "湘云", "立新", "春华", "明",   "芳",
                                    "伟",   "静",   "勇",   "敏",   "涛",   "磊"};
static const char *const phrases[] = {"会议强调，要坚持以人民为中心的发展思想，",
                                      "要进一步提高政治站位，压紧压实工作责任，",
                                      "各地各部门要加强统筹协调，形成工作合力，",
                                      "切实把各项工作任务落到实处，",
                                      "确保取得实实在在的成效。",
                                      "会上，有关部门负责同志汇报了工作进展情况。",
                                      "要坚持问题导向，聚焦群众急难愁盼问题，",
                                      "全面排查整治各类风险隐患，",
                                      "不断提升群众的获得感、幸福感、安全感。",
                                      "据统计，今年以来全市共完成相关项目一百二十余个，",
                                      "累计投入资金三点五亿元，惠及群众十余万人。",
                                      "下一步，将继续完善工作机制，强化督促检查，",
                                      "推动各项政策措施落地见效。",
                                      "请各单位结合实际，认真抓好贯彻落实。",
                                      "如有疑问，请与承办科室联系。",
                                      "本文件自印发之日起施行，有效期五年。",
                                      "现将有关事项通知如下：",
                                      "一、总体要求。",
                                      "二、主要任务。",
                                      "三、保障措施。",
                                      "公示期间，如有异议，可通过来信、来电等方式向我单位反映。",
                                      "要严格落实值班值守制度，确保信息畅通。"};

void farm_text_title(struct farm_rng *r, const char *place, int cat, struct strbuf *out)
{
    const char *t = FARM_PICK(r, topics);
    switch (cat) {
    case FARM_NEWS:
        strbuf_addf(out, "%s%s%s%s", place, FARM_PICK(r, verbs), t, FARM_PICK(r, meetings));
        break;
    case FARM_NOTICE:
        strbuf_addf(out, "关于做好%s工作的%s", t, FARM_PICK(r, notice_kinds));
        break;
    case FARM_POLICY:
        strbuf_addf(out, "%s人民政府办公室关于印发《%s%s》的通知", place, t,
                    FARM_PICK(r, policy_kinds));
        break;
    case FARM_PERSONNEL:
        strbuf_adds(out, "关于");
        farm_text_person(r, out);
        strbuf_addf(out, "等同志任%s的通知", FARM_PICK(r, posts));
        break;
    case FARM_PLAN:
        strbuf_addf(out, "%s“十五五”%s%s", place, t, FARM_PICK(r, plan_kinds));
        break;
    default:
        strbuf_addf(out, "%s%s情况统计（第%d期）", place, t, farm_rng_range(r, 1, 40));
        break;
    }
}

void farm_text_paragraphs(struct farm_rng *r, const char *place, int nchars, struct strbuf *out)
{
    size_t start = out->len;
    while (out->len - start < (size_t)nchars * 3) {
        strbuf_adds(out, "<p>");
        strbuf_addf(out, "近日，%s", place);
        int n = farm_rng_range(r, 4, 9);
        for (int i = 0; i < n; i++)
            strbuf_adds(out, FARM_PICK(r, phrases));
        strbuf_adds(out, "</p>\n");
    }
}

void farm_text_person(struct farm_rng *r, struct strbuf *out)
{
    strbuf_adds(out, FARM_PICK(r, surnames));
    strbuf_adds(out, FARM_PICK(r, given));
}
