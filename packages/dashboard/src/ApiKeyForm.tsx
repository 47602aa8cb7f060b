import type { FormEvent, ReactNode } from 'react';

/** Asks for an API key; `onKey` gets it trimmed. */
export function ApiKeyForm({ label, onKey }: { label: ReactNode; onKey: (key: string) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const key = new FormData(event.currentTarget).get('key');
    if (typeof key === 'string' && key.trim() !== '') onKey(key.trim());
  };
  return (
    <form className="api-key" onSubmit={submit}>
      <label>
        {label} <input name="key" type="password" autoComplete="off" required />
      </label>
      <button type="submit">Use key</button>
    </form>
  );
}
