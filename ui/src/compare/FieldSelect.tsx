// A picker of a project's fields (config.* then summary.*), in the panels' heads.

export function FieldSelect({
  fields,
  value,
  onChange,
  label,
  className,
}: {
  fields: string[];
  value: string;
  onChange: (v: string) => void;
  label: string;
  className: string;
}) {
  const known = !value || fields.includes(value);
  const config = fields.filter((f) => f.startsWith("config."));
  const summary = fields.filter((f) => f.startsWith("summary."));
  return (
    <label>
      {label}{" "}
      <select className={className} value={value} onChange={(e) => onChange(e.target.value)}>
        {!value && <option value="">(pick a field)</option>}
        {!known && <option value={value}>{value}</option>}
        <optgroup label="Config">
          {config.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </optgroup>
        <optgroup label="Summary">
          {summary.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}
