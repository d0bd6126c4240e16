// dcmjs ships no type declarations; this declares only the parts Lifeline uses.
declare module 'dcmjs' {
  // biome-ignore lint/suspicious/noExplicitAny: dcmjs datasets are untyped JSON-like trees
  type Dataset = Record<string, any>;
  class DicomDict {
    constructor(meta: Dataset);
    meta: Dataset;
    dict: Dataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string }): DicomDict;
    };
    DicomMetaDictionary: {
      naturalizeDataset(dict: Dataset): Dataset;
      denaturalizeDataset(dataset: Dataset): Dataset;
    };
    DicomDict: typeof DicomDict;
  };
  interface Logger {
    getLevel(): number;
    setLevel(level: number | string): void;
    getLogger(name: string): Logger;
  }
  const log: Logger;
  const dcmjs: { data: typeof data; log: typeof log };
  export default dcmjs;
}
