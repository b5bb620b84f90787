/** An event as the core decides it; the shell adds the object it is about, the source and the time. */
export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}
