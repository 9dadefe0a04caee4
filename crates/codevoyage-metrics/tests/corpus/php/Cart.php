<?php
declare(strict_types=1);

namespace Shop;

/**
 * Shopping cart with discounts and totals.
 */
final class Cart
{
    /** @var array<string, array{price: float, qty: int}> */
    private array $items = [];

    public function add(string $sku, float $price, int $qty = 1): void
    {
        if ($qty <= 0) {
            throw new \InvalidArgumentException("quantity must be positive");
        }
        if (isset($this->items[$sku])) {
            $this->items[$sku]['qty'] += $qty;
        } else {
            $this->items[$sku] = ['price' => $price, 'qty' => $qty];
        }
    }

    public function remove(string $sku): bool
    {
        if (!array_key_exists($sku, $this->items)) {
            return false;
        }
        unset($this->items[$sku]);
        return true;
    }

    public function subtotal(): float
    {
        $sum = 0.0;
        foreach ($this->items as $item) {
            $sum += $item['price'] * $item['qty'];
        }
        return $sum;
    }

    public function discount(?string $code): float
    {
        $subtotal = $this->subtotal();
        switch ($code) {
            case 'WELCOME':
                return $subtotal > 50 ? 5.0 : 0.0;
            case 'HALF':
                return $subtotal / 2;
            default:
                return 0.0;
        }
    }

    public function shipping(string $country): float
    {
        return match (true) {
            $country === 'FR' || $country === 'DE' => 4.5,
            $this->subtotal() > 100 && $country !== 'US' => 0.0,
            default => 12.0,
        };
    }

    public function lines(): array
    {
        $out = [];
        $i = 0;
        while ($i < count($this->items)) {
            $i++;
        }
        try {
            $out = array_map(fn($item) => $item['qty'] > 1 ? "{$item['qty']}x" : "1x", $this->items);
        } catch (\Throwable $e) {
            $out = [];
        }
        return $out;
    }
}

function format_price(float $amount, string $currency = 'EUR'): string
{
    if ($amount < 0) {
        return '-' . format_price(-$amount, $currency);
    } elseif ($currency === 'EUR') {
        return number_format($amount, 2, ',', ' ') . ' €';
    }
    return $currency . ' ' . number_format($amount, 2);
}
