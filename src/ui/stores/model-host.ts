/** localStorage key of the model host: per machine, never part of a shared link. */
export const HOST_KEY = 'thinksift.modelHost';

/** The model-host setting of this browser ('' = the Hugging Face Hub). */
export function readHost(): string {
  try {
    return localStorage.getItem(HOST_KEY) ?? '';
  } catch {
    return ''; // storage blocked (some privacy modes): the Hub
  }
}
