/**
 * The Pima Indians Diabetes table: 768 patients, 8 numeric features, a binary outcome.
 *
 * Origin: the National Institute of Diabetes and Digestive and Kidney Diseases (NIDDK), donated to
 * the UCI Machine Learning Repository in 1990 by Vincent Sigillito; first used by Smith et al.
 * (1988), "Using the ADAP learning algorithm to forecast the onset of diabetes mellitus". Public
 * domain / CC0 as commonly distributed. This copy is the classic 768-row file (the one the Keras
 * "first neural network" tutorial loads) with an English header line added.
 *
 * Columns of x, in order: pregnancies, glucose (mg/dl, 2 h into an oral glucose tolerance test),
 * blood_pressure (diastolic, mm Hg), skin_thickness (triceps fold, mm), insulin (2-hour serum,
 * mu U/ml), bmi (kg/m²), diabetes_pedigree, age (years). y is outcome: 1 = diabetes (WHO
 * criteria), 0 = not; 500 rows are 0 and 268 are 1. Zeros in glucose, blood_pressure,
 * skin_thickness, insulin and bmi stand for missing values and are kept as they are.
 *
 * The text is bundled (src/data/bundled/pimaCsv.ts) and decoded through the CSV path, so this
 * works in a browser too.
 */
import { either as E } from 'fp-ts'
import { pimaCsv } from './bundled/pimaCsv.js'
import { fromCsv } from './csv.js'
import type { Dataset } from './Dataset.js'

// ─── constructors ───────────────────────────────────────────────────────────────────────────────

/** The feature columns of `pima()`'s x, in order. */
export const pimaFeatures: readonly string[] = Object.freeze([
  'pregnancies',
  'glucose',
  'blood_pressure',
  'skin_thickness',
  'insulin',
  'bmi',
  'diabetes_pedigree',
  'age',
])

/**
 * The Pima diabetes dataset: x [768, 8] (columns `pimaFeatures`), y [768, 1] (outcome 0 or 1).
 * Decodes the bundled text on each call (about a millisecond). Throws the CsvError only if the
 * bundled text were corrupt, which a test rules out.
 *
 * @example
 * data.pima().x.shape  // [768, 8]
 */
export const pima = (): Dataset => {
  const decoded = fromCsv(pimaCsv, { label: 'outcome', features: pimaFeatures })
  if (E.isLeft(decoded)) throw decoded.left
  return decoded.right
}
