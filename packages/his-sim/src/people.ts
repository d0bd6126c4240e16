// Realistic, seeded Chinese patients: names, sex, birth dates, 18-digit resident IDs with valid check
// characters (GB 11643), mobile numbers, addresses and HIS identifiers. Every value is made up.
import { chineseIdCheckCharacter } from '@lifeline/hl7';

/** mulberry32: small, fast, good enough for test data, and the same sequence for the same seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a number, got ${seed}`);
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// The most frequent surnames (a few compound ones included) and given-name characters by usual sex.
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
  '欧阳',
  '司马',
  '诸葛',
];
const MALE_CHARS = [...'伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆建国志文峰龙德海林'];
const FEMALE_CHARS = [...'芳娜敏静丽艳娟霞秀英玲桂兰萍红梅琳雪慧倩颖婷燕莉佳欣怡晶霞月凤'];

/** County-level administrative divisions (GB/T 2260): code, province, city, district or county. */
const REGIONS: readonly [string, string, string, string][] = [
  ['330624', '浙江省', '绍兴市', '新昌县'],
  ['330102', '浙江省', '杭州市', '上城区'],
  ['341321', '安徽省', '宿州市', '砀山县'],
  ['411421', '河南省', '商丘市', '民权县'],
  ['410105', '河南省', '郑州市', '金水区'],
  ['512021', '四川省', '资阳市', '安岳县'],
  ['510107', '四川省', '成都市', '武侯区'],
  ['430102', '湖南省', '长沙市', '芙蓉区'],
  ['420106', '湖北省', '武汉市', '武昌区'],
  ['370102', '山东省', '济南市', '历下区'],
  ['320102', '江苏省', '南京市', '玄武区'],
  ['110105', '北京市', '北京市', '朝阳区'],
  ['440106', '广东省', '广州市', '天河区'],
  ['450821', '广西壮族自治区', '贵港市', '平南县'],
];
const STREETS = [
  '人民路',
  '解放路',
  '建设路',
  '中山路',
  '和平街',
  '胜利路',
  '新华街',
  '文化路',
  '健康路',
  '幸福街',
];
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '158',
  '159',
  '177',
  '186',
  '187',
  '188',
  '189',
  '199',
];

export interface SimPatient {
  hisId: string;
  outpatientNo: string;
  inpatientNo?: string;
  nationalId: string;
  family: string;
  given: string;
  sex: 'M' | 'F';
  /** YYYYMMDD */
  birthDate: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  street: string;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** ECG patients skew old: most between 40 and 85, a few children and young adults. */
function age(r: Random): number {
  const roll = r.next();
  if (roll < 0.05) return r.int(3, 17);
  if (roll < 0.2) return r.int(18, 39);
  return r.int(40, 92);
}

export function makePatient(r: Random, serial: number, today = new Date('2026-11-21T00:00:00Z')): SimPatient {
  const sex = r.chance(0.52) ? 'M' : 'F';
  const family = r.pick(SURNAMES);
  const chars = sex === 'M' ? MALE_CHARS : FEMALE_CHARS;
  const given = r.chance(0.3) ? r.pick(chars) : r.pick(chars) + r.pick(chars);
  const year = today.getUTCFullYear() - age(r);
  const month = r.int(1, 12);
  const day = r.int(1, 28);
  const birthDate = `${year}${pad(month, 2)}${pad(day, 2)}`;
  const [code, province, city, district] = r.pick(REGIONS);
  // Sequence digit 17 is odd for men, even for women (GB 11643).
  const seq = r.int(0, 49) * 2 + (sex === 'M' ? 1 : 0);
  const first17 = `${code}${birthDate}${pad(r.int(0, 9), 1)}${pad(seq, 2)}`;
  return {
    hisId: `H${pad(100000 + serial, 8)}`,
    outpatientNo: `MZ${pad(r.int(1, 999999), 7)}`,
    ...(r.chance(0.35) && { inpatientNo: `ZY${pad(r.int(1, 99999), 6)}` }),
    nationalId: first17 + chineseIdCheckCharacter(first17),
    family,
    given,
    sex,
    birthDate,
    phone: r.pick(MOBILE_PREFIXES) + pad(r.int(0, 99999999), 8),
    province,
    city,
    district,
    street: `${r.pick(STREETS)}${r.int(1, 399)}号`,
  };
}

export const DEPARTMENTS = [
  { code: 'JZK', name: '急诊科', patientClass: 'E' },
  { code: 'XXZX', name: '胸痛中心', patientClass: 'E' },
  { code: 'XNK', name: '心血管内科', patientClass: 'I' },
  { code: 'SJNK', name: '神经内科', patientClass: 'I' },
  { code: 'HXNK', name: '呼吸内科', patientClass: 'I' },
  { code: 'NFMK', name: '内分泌科', patientClass: 'O' },
  { code: 'PTWK', name: '普通外科', patientClass: 'I' },
  { code: 'TJZX', name: '体检中心', patientClass: 'O' },
] as const;

export const DOCTORS = [
  ['D0101', '王', '建国'],
  ['D0102', '李', '秀英'],
  ['D0203', '张', '伟'],
  ['D0304', '刘', '芳'],
  ['D0405', '陈', '明'],
  ['D0506', '杨', '静'],
] as const;
