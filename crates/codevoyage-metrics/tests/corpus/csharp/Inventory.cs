// Inventory service: stock levels, reservations and reorder rules.
using System;
using System.Collections.Generic;
using System.Linq;

namespace Shop.Inventory
{
    /// <summary>Keeps stock per SKU and decides when to reorder.</summary>
    public class InventoryService
    {
        private readonly Dictionary<string, int> _stock = new Dictionary<string, int>();
        private readonly Dictionary<string, int> _reserved = new();

        public int Available(string sku)
        {
            if (string.IsNullOrEmpty(sku))
            {
                throw new ArgumentException("sku is empty");
            }
            var have = _stock.TryGetValue(sku, out var n) ? n : 0;
            var held = _reserved.TryGetValue(sku, out var r) ? r : 0;
            return Math.Max(0, have - held);
        }

        public bool Reserve(string sku, int quantity)
        {
            if (quantity <= 0 || sku == null)
                return false;
            if (Available(sku) < quantity)
                return false;
            _reserved[sku] = (_reserved.TryGetValue(sku, out var r) ? r : 0) + quantity;
            return true;
        }

        public IEnumerable<string> NeedsReorder(int threshold)
        {
            foreach (var pair in _stock)
            {
                if (pair.Value < threshold && !_reserved.ContainsKey(pair.Key))
                {
                    yield return pair.Key;
                }
                else if (pair.Value == 0)
                {
                    yield return pair.Key;
                }
            }
        }

        public string Describe(string sku)
        {
            switch (Available(sku))
            {
                case 0:
                    return "out of stock";
                case 1:
                case 2:
                    return "low";
                default:
                    return "in stock";
            }
        }

        public int Restock(IEnumerable<(string Sku, int Qty)> delivery)
        {
            int lines = 0;
            try
            {
                foreach (var (sku, qty) in delivery)
                {
                    for (int i = 0; i < qty; i++)
                    {
                        _stock[sku] = (_stock.TryGetValue(sku, out var n) ? n : 0) + 1;
                    }
                    lines++;
                }
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message ?? "restock failed");
            }
            return lines;
        }

        public int TotalUnits => _stock.Values.Sum();
    }
}
