package synth

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// CatalogFile is the product catalog Catalog derives from the sample.
// It is not part of WriteFiles' dataset (nor of MANIFEST.json): it uses no
// random numbers, only the rules below.
const CatalogFile = "products.csv"

// OtherCategory is the category of a product no rule matches.
const OtherCategory = "other"

// Product is one row of the derived catalog.
type Product struct {
	// ID is the stock code as in the sample (case kept: "85232b" and
	// "85232B" are two products there).
	ID string
	// Name is the product's description in the sample: the most frequent
	// non-empty one over its lines, trimmed (ties: the byte-wise smallest).
	Name string
	// Category is the first rule of CategoryRules that matches Name, else
	// OtherCategory.
	Category string
}

// CategoryRule assigns Category to a description that contains one of
// Keywords as whole words.
type CategoryRule struct {
	Category string
	Keywords []string
}

// CategoryRules are the rules that derive a product's category from its
// description, in order: the first rule with a matching keyword wins. A
// keyword matches when its words appear consecutively among the
// description's words, where a word is a maximal run of ASCII letters and
// digits, compared upper-cased ("T-LIGHT" matches "T-LIGHT HOLDER" and
// "T LIGHT"; "BAG" does not match "BAGS", which is listed on its own).
// They are our assignment for testing, not the retailer's categories.
func CategoryRules() []CategoryRule {
	return []CategoryRule{
		{"fees & postage", []string{"POSTAGE", "CARRIAGE", "MANUAL", "DISCOUNT", "BANK CHARGES", "AMAZON FEE", "ADJUSTMENT", "TEST", "VOUCHER", "SAMPLES"}},
		{"seasonal", []string{"CHRISTMAS", "XMAS", "ADVENT", "EASTER", "HALLOWEEN", "SANTA", "REINDEER", "NATIVITY", "SNOWFLAKE", "BAUBLE", "BAUBLES", "VALENTINE"}},
		{"candles & lights", []string{"CANDLE", "CANDLES", "CANDLEHOLDER", "T-LIGHT", "T-LIGHTS", "TLIGHT", "TEALIGHT", "TEA LIGHT", "TEA LIGHTS",
			"LANTERN", "LANTERNS", "LIGHT", "LIGHTS", "NIGHTLIGHT", "LAMP", "INCENSE", "OIL BURNER"}},
		{"bags", []string{"BAG", "BAGS", "SHOPPER", "PURSE", "HANDBAG", "TOTE", "BACKPACK", "WASHBAG"}},
		{"kitchen & dining", []string{"MUG", "MUGS", "CUP", "CUPS", "TEA", "TEACUP", "TEAPOT", "TEASPOONS", "COFFEE", "SAUCER", "PLATE", "PLATES",
			"BOWL", "BOWLS", "DISH", "TRAY", "JUG", "JAR", "JARS", "BOTTLE", "GLASS", "GLASSES", "TUMBLER", "TUMBLERS", "BEAKER", "BEAKERS",
			"CAKE", "CAKES", "CAKESTAND", "CASES", "BAKING", "MOULD", "OVEN", "APRON", "KITCHEN", "PANTRY", "RECIPE", "CUTLERY", "SPOON", "SPOONS",
			"FORK", "KNIFE", "CHOPSTICKS", "CHOPPING", "CUTTER", "CUTTERS", "SCALES", "NAPKIN", "NAPKINS", "PLACEMAT", "PLACEMATS", "COASTER",
			"COASTERS", "STRAWS", "LUNCH", "LUNCHBOX", "LUNCH BOX", "EGG", "JAM", "JELLY", "BISCUIT", "PUDDING", "BREAD", "SUGAR", "MILK", "BUTTER",
			"FOOD", "DRINK", "DRINKS", "TOWEL", "WASHING UP"}},
		{"paper & cards", []string{"CARD", "CARDS", "WRAP", "WRAPPING", "PAPER", "ENVELOPE", "ENVELOPES", "TAG", "TAGS", "STICKER", "STICKERS",
			"NOTEBOOK", "NOTEBOOKS", "NOTE", "NOTES", "PAD", "BOOK", "BOOKS", "JOURNAL", "DIARY", "CALENDAR", "BOOKMARK", "POSTCARD", "INVITES",
			"STATIONERY", "PEN", "PENS", "PENCIL", "PENCILS", "CRAYONS", "ERASER", "RUBBER", "RULER", "SHARPENER", "CONFETTI"}},
		{"home decor", []string{"FRAME", "FRAMES", "PHOTO", "PICTURE", "CANVAS", "PLAQUE", "SIGN", "CLOCK", "MIRROR", "CUSHION", "CUSHIONS",
			"THROW", "BLANKET", "QUILT", "CURTAIN", "DOORMAT", "DOOR MAT", "MAT", "DOOR", "DOORSTOP", "HOOK", "HOOKS", "HANGER", "HANGERS", "PEG",
			"PEGS", "HANGING", "DECORATION", "DECORATIONS", "ORNAMENT", "GARLAND", "BUNTING", "WREATH", "CHANDELIER", "VASE", "WALL", "HEART",
			"HEARTS", "STAR", "BELL", "BELLS", "FLOWER", "FLOWERS", "FEATHER", "WICKER", "RIBBON", "RIBBONS", "BIRD", "BIRDS", "LOVEBIRD",
			"STORAGE", "BOX", "BOXES", "BASKET", "BASKETS", "TIN", "TINS", "CRATE", "DRAWER", "DRAWERS", "CABINET", "SHELF", "WARDROBE",
			"ORGANISER", "HOLDER", "STAND", "KEY", "KEYS", "MAGNET", "MAGNETS", "FRIDGE", "CHALKBOARD", "BLACKBOARD", "DOILY", "DOILIES",
			"POMANDER", "TISSUE", "TISSUES", "BATHROOM", "SOAP", "TOILET", "HOTTIE", "HOT WATER BOTTLE", "WARMER", "CHAIR", "TABLE", "STOOL",
			"PLANT", "POT", "POTS", "FAN", "GLOBE", "SCREEN"}},
		{"toys & games", []string{"TOY", "TOYS", "GAME", "GAMES", "PUZZLE", "PUZZLES", "JIGSAW", "DOLL", "DOLLS", "DOLLY", "TEDDY", "BEAR",
			"SOLDIER", "SOLDIERS", "SPACEBOY", "DINOSAUR", "PIRATE", "PLAYHOUSE", "PLAY", "SKIPPING", "ROPE", "BALLOON", "BALLOONS", "BUBBLES",
			"PARTY", "KIT", "BLOCKS", "DOMINOES", "MARBLES", "SNAKES", "LADDERS", "BINGO", "MAGIC", "SPINNING", "TOP", "COLOURING", "PAINTING",
			"STENCIL", "TATTOOS", "KNITTING", "SEWING", "CRAFT", "FELTCRAFT", "CHARLIE", "LOLA"}},
		{"garden & outdoor", []string{"GARDEN", "GARDENERS", "PLANTER", "WATERING", "SEED", "SEEDS", "TRELLIS", "LAWN", "BIRDHOUSE",
			"BIRD TABLE", "WINDMILL", "PICNIC", "BEACH", "HAMMOCK", "UMBRELLA", "PARASOL"}},
		{"jewellery & accessories", []string{"NECKLACE", "NECKLACES", "NECKL", "BRACELET", "BANGLE", "EARRINGS", "RING", "RINGS", "BROOCH",
			"CHARM", "BEAD", "BEADS", "DIAMANTE", "JEWEL", "JEWELLERY", "KEYRING", "KEY RING", "HAIR", "HAIRCLIP", "CLIP", "CLIPS", "SLIDE",
			"SLIDES", "SCARF", "GLOVES", "HAT", "SUNGLASSES", "WALLET", "PASSPORT", "COMPACT", "MAKE UP", "COSMETIC", "LIPSTICK"}},
	}
}

// words splits s into its upper-cased runs of ASCII letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// Categorise returns the category the first matching rule of rules gives
// description, OtherCategory when none matches.
func Categorise(rules []CategoryRule, description string) string {
	ws := words(description)
	for _, r := range rules {
		for _, k := range r.Keywords {
			kw := words(k)
			for i := 0; i+len(kw) <= len(ws); i++ {
				if slices.Equal(ws[i:i+len(kw)], kw) {
					return r.Category
				}
			}
		}
	}
	return OtherCategory
}

// LoadProducts reads Online Retail II CSV files (gzip when the name ends in
// ".gz") and returns their catalog as ReadProducts does, over all files.
func LoadProducts(ctx context.Context, paths ...string) ([]Product, error) {
	acc := productAcc{}
	for _, p := range paths {
		if err := openOrders(p, func(r io.Reader) error { return acc.read(ctx, r) }); err != nil {
			return nil, err
		}
	}
	return acc.products(), nil
}

// ReadProducts reads one uncompressed Online Retail II CSV and returns one
// Product per stock code that has a non-empty description on some line
// (every line counts: cancellations, lines without a customer,
// duplicates), sorted by ID. A stock code whose lines carry no
// description is left out: the catalog has no entry for it.
func ReadProducts(ctx context.Context, r io.Reader) ([]Product, error) {
	acc := productAcc{}
	if err := acc.read(ctx, r); err != nil {
		return nil, err
	}
	return acc.products(), nil
}

// productAcc counts each stock code's descriptions.
type productAcc map[string]map[string]int

func (a productAcc) read(ctx context.Context, r io.Reader) error {
	return eachOrderLine(ctx, r, []string{"StockCode", "Description"}, func(rec []string) error {
		code, desc := rec[0], strings.TrimSpace(rec[1])
		if code == "" || desc == "" {
			return nil
		}
		if a[code] == nil {
			a[code] = map[string]int{}
		}
		a[code][desc]++
		return nil
	})
}

func (a productAcc) products() []Product {
	rules := CategoryRules()
	out := make([]Product, 0, len(a))
	for code, descs := range a {
		name, n := "", -1
		for d, k := range descs {
			if k > n || k == n && d < name {
				name, n = d, k
			}
		}
		out = append(out, Product{ID: code, Name: name, Category: Categorise(rules, name)})
	}
	slices.SortFunc(out, func(x, y Product) int { return strings.Compare(x.ID, y.ID) })
	return out
}

// CatalogCSV encodes products as the catalog file: a header product_id,
// name, category and one row per product, in the given order.
func CatalogCSV(products []Product) ([]byte, error) {
	rows := make([][]string, len(products))
	for i, p := range products {
		rows[i] = []string{p.ID, p.Name, p.Category}
	}
	b, _, err := writeCSV([]string{"product_id", "name", "category"}, rows)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", CatalogFile, err)
	}
	return b, nil
}
