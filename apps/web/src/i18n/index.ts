import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import zhCN from './zh-CN';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: { code: Language; label: string }[] = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
];

const STORAGE_KEY = 'lifeline.language';

function initialLanguage(): Language {
  // Chinese by default: the language switch is for visiting experts and engineers, not a browser guess.
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

function applyToPage(lang: Language): void {
  document.documentElement.lang = lang;
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
}

const lang = initialLanguage();
applyToPage(lang);

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: lang,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});

export function setLanguage(next: Language): void {
  localStorage.setItem(STORAGE_KEY, next);
  applyToPage(next);
  void i18next.changeLanguage(next);
}

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'zh-CN';
}

export default i18next;
