/** A long identifier shortened for display; the full id stays in the title and the DOM text when asked. */
export function shortId(id: string, keep = 6): string {
  const [prefix, rest] = id.includes('_')
    ? [id.slice(0, id.indexOf('_') + 1), id.slice(id.indexOf('_') + 1)]
    : ['', id];
  return rest.length <= keep * 2 ? id : `${prefix}${rest.slice(0, keep)}…${rest.slice(-4)}`;
}

export function ShortId({ id }: { id: string }) {
  return (
    <code className="short-id" title={id}>
      {shortId(id)}
    </code>
  );
}
