import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { isYuanAmount, IsYuanAmount, MAX_AMOUNT_YUAN } from './money.js';

class Payment {
  @IsYuanAmount()
  amountYuan!: number;
}

const problems = (amountYuan: unknown) => validateSync(plainToInstance(Payment, { amountYuan })).map((error) => error.property);

describe('amounts in yuan: exact, with a unit and a bound', () => {
  it('takes whole yuan and fen up to the bound', () => {
    for (const amount of [0.01, 1, 12.3, 20000, 85000.5, 1234567.89, MAX_AMOUNT_YUAN]) expect({ amount, ok: isYuanAmount(amount) }).toEqual({ amount, ok: true });
    expect(problems(20000)).toEqual([]);
  });

  it('refuses what is not an exact sum of fen within the bound: too large, lossy, sub-fen, zero, negative, not a number', () => {
    // JSON.parse is how the numbers arrive: 9007199254740993 is read as 9007199254740992.
    const lossy = JSON.parse('9007199254740993') as number;
    for (const amount of [lossy, 1.2e29, MAX_AMOUNT_YUAN + 0.01, 12.345, 1e-7, 0, -5, Number.NaN, Number.POSITIVE_INFINITY, '100', null]) {
      expect({ amount, ok: isYuanAmount(amount) }).toEqual({ amount, ok: false });
    }
    expect(problems(1.2e29)).toEqual(['amountYuan']);
  });

  it('says so in the JSON schema the OpenAPI documents are made of', () => {
    const schema = validationMetadatasToSchemas().Payment;
    expect(schema.properties?.amountYuan).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: MAX_AMOUNT_YUAN, description: expect.stringMatching(/yuan .*two decimals/) });
  });
});
