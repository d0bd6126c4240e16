/**
 * Realistic synthetic Chinese patients for demo data and benchmarks: common surnames by frequency, given names of
 * one or two characters, resident IDs with valid check digits whose birth date and sex agree with the record,
 * mobile numbers, county addresses. Seeded, so the same seed gives the same people.
 */
import { checkDigit } from '../lib/identity';

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The most common surnames, roughly by frequency (weights: share per mille).
const SURNAMES: [string, number][] = [
  ['王', 72],
  ['李', 71],
  ['张', 68],
  ['刘', 53],
  ['陈', 45],
  ['杨', 31],
  ['黄', 22],
  ['赵', 22],
  ['吴', 20],
  ['周', 19],
  ['徐', 15],
  ['孙', 15],
  ['马', 15],
  ['朱', 14],
  ['胡', 13],
  ['郭', 12],
  ['何', 12],
  ['林', 11],
  ['高', 11],
  ['罗', 10],
  ['郑', 10],
  ['梁', 9],
  ['谢', 8],
  ['宋', 8],
  ['唐', 8],
  ['许', 7],
  ['韩', 7],
  ['邓', 7],
  ['冯', 7],
  ['曹', 7],
  ['彭', 6],
  ['曾', 6],
  ['肖', 6],
  ['田', 6],
  ['董', 5],
  ['潘', 5],
  ['袁', 5],
  ['蔡', 5],
  ['蒋', 5],
  ['余', 5],
  ['于', 5],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['魏', 4],
  ['苏', 4],
  ['吕', 4],
  ['丁', 4],
  ['任', 4],
  ['卢', 3],
  ['姚', 3],
  ['沈', 3],
  ['钟', 3],
  ['姜', 3],
  ['崔', 3],
  ['谭', 3],
  ['陆', 3],
  ['范', 3],
  ['汪', 3],
  ['廖', 3],
  ['石', 3],
  ['金', 3],
  ['韦', 3],
  ['贾', 3],
  ['夏', 2],
  ['付', 2],
  ['方', 2],
  ['邹', 2],
  ['熊', 2],
  ['白', 2],
  ['孟', 2],
  ['秦', 2],
  ['邱', 2],
  ['侯', 2],
  ['江', 2],
  ['尹', 2],
  ['薛', 2],
  ['闫', 2],
  ['段', 2],
  ['雷', 2],
  ['单', 1],
  ['欧阳', 1],
  ['司马', 1],
];
const MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文德春海成东兵峰';
const FEMALE = '芳娜敏静丽艳娟霞秀英华玲桂兰萍红梅琳燕洁婷雪慧颖倩琴云莉蓉晶欣怡佳悦';
// Hubei province counties around a hub (Shiyan): the first six ID digits are the registration area.
const AREAS = ['420302', '420303', '420304', '420322', '420323', '420324', '420325', '420381'];
const TOWNS = [
  '城关镇',
  '武当山镇',
  '六里坪镇',
  '丹江口市均县镇',
  '郧阳区茶店镇',
  '竹山县宝丰镇',
  '房县城关镇',
  '张湾区花果街道',
];

function pickWeighted(rand: () => number): string {
  const total = SURNAMES.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [name, w] of SURNAMES) {
    r -= w;
    if (r <= 0) return name;
  }
  return SURNAMES[0][0];
}

export interface Person {
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  nationalId: string;
  phone: string;
  address: string;
}

export function makePerson(rand: () => number, today = new Date()): Person {
  const sex = rand() < 0.52 ? 'M' : 'F';
  const chars = sex === 'M' ? MALE : FEMALE;
  const given = Array.from(
    { length: rand() < 0.7 ? 2 : 1 },
    () => chars[Math.floor(rand() * chars.length)],
  ).join('');
  const name = pickWeighted(rand) + given;
  // Age skewed towards the ECG and emergency population: 20–90, more weight after 45.
  const age = Math.floor(20 + 70 * Math.sqrt(rand()));
  const birth = new Date(
    Date.UTC(today.getUTCFullYear() - age, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
  );
  const birthDate = birth.toISOString().slice(0, 10);
  const area = AREAS[Math.floor(rand() * AREAS.length)];
  const order = Math.floor(rand() * 100);
  const sexDigit = sex === 'M' ? 1 + 2 * Math.floor(rand() * 5) : 2 * Math.floor(rand() * 5);
  const first17 = `${area}${birthDate.replace(/-/g, '')}${String(order).padStart(2, '0')}${sexDigit}`;
  const prefixes = [
    '133',
    '135',
    '136',
    '137',
    '138',
    '139',
    '150',
    '151',
    '152',
    '158',
    '159',
    '177',
    '180',
    '186',
    '187',
    '189',
  ];
  const phone =
    prefixes[Math.floor(rand() * prefixes.length)] + String(Math.floor(rand() * 1e8)).padStart(8, '0');
  const address = `湖北省十堰市${TOWNS[Math.floor(rand() * TOWNS.length)]}${1 + Math.floor(rand() * 200)}号`;
  return { name, sex, birthDate, nationalId: first17 + checkDigit(first17), phone, address };
}
