/** A table's column headings; `hidden` ones are for screen readers only (e.g. an actions column). */
export function TableHead({ columns }: { columns: (string | { label: string; hidden: true })[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col">
              <span className="skip">{c.label}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
