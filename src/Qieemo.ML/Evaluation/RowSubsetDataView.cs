using Microsoft.ML;
using Microsoft.ML.Data;

namespace Qieemo.ML.Evaluation;

/// <summary>
/// A lazy view of the rows of a source <see cref="IDataView"/> at the given 0-based positions
/// (ascending), with the source's schema. Used to cut cross-validation folds by row without
/// materializing columns of arbitrary types; relies on IDataView's guarantee that an unshuffled
/// cursor visits rows in the same order every time.
/// </summary>
internal sealed class RowSubsetDataView : IDataView
{
    private readonly IDataView _source;
    private readonly long[] _rows;

    /// <param name="source">The data to take rows from.</param>
    /// <param name="rows">0-based row positions in the source, strictly ascending.</param>
    public RowSubsetDataView(IDataView source, IEnumerable<long> rows)
    {
        _source = source;
        _rows = rows.ToArray();
        for (int i = 1; i < _rows.Length; i++)
            if (_rows[i] <= _rows[i - 1]) throw new ArgumentException("Row positions must be strictly ascending.", nameof(rows));
    }

    /// <summary>The selected source row positions.</summary>
    public IReadOnlyList<long> Rows => _rows;

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public DataViewSchema Schema => _source.Schema;

    /// <inheritdoc/>
    public long? GetRowCount() => _rows.Length;

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(_source.GetRowCursor(columnsNeeded), _rows);

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _inner;
        private readonly long[] _rows;
        private long _position = -1;
        private long _sourcePosition = -1;

        public Cursor(DataViewRowCursor inner, long[] rows)
        {
            _inner = inner;
            _rows = rows;
        }

        public override DataViewSchema Schema => _inner.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _inner.GetGetter<TValue>(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();

        public override bool MoveNext()
        {
            if (_position + 1 >= _rows.Length) return false;
            long target = _rows[_position + 1];
            while (_sourcePosition < target)
            {
                if (!_inner.MoveNext())
                    throw new InvalidOperationException($"The source data ended at row {_sourcePosition + 1}, before selected row {target}.");
                _sourcePosition++;
            }
            _position++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
