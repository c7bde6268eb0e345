/** One thing wrong with an input, named by its path (e.g. `person.idNumber`). */
export interface Problem {
  field: string;
  message: string;
}
