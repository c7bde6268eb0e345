import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { unitName } from '#units';
import { UNIT_CODES, type Need, NEEDS, PRIORITY_GROUPS, type PriorityGroup } from '#contracts';
import { ApiKeyGuard, ApiProblems } from '#http';
import { proposeRecipients } from '#handoffs';

/** A person's needs and groups, to be routed (第十条–第十八条). */
export class RoutingProposalRequest {
  @JSONSchema({ description: 'the person’s needs as 第十条–第十八条 name them' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(NEEDS, { each: true })
  needs!: Need[];

  @JSONSchema({ description: '第五条’s groups: minor and woman open 第十七条; veteran (第十六条) and poverty-risk-household (第十四条) point to a unit themselves' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PRIORITY_GROUPS, { each: true })
  priorityGroups?: PriorityGroup[];

  @JSONSchema({ description: '第十七条 "五老人" (read as 老年人): the person is elderly' })
  @IsOptional()
  @IsBoolean()
  elder?: boolean;
}

export class ProposedRecipientView {
  @ApiProperty({ enum: UNIT_CODES, examples: ['civil-affairs'] })
  unit!: string;

  @ApiProperty({ examples: ['晋江市民政局'] })
  nameZh!: string;

  @ApiProperty({ type: [String], description: 'the articles that give the unit the duty', examples: [['第十一条第一款']] })
  articles!: string[];

  @ApiProperty({ type: [String], enum: NEEDS, description: 'the stated needs (or groups’ needs) that point to the unit' })
  needs!: string[];
}

export class RoutingProposal {
  @ApiProperty({ type: [ProposedRecipientView] })
  recipients!: ProposedRecipientView[];
}

/** 第十条–第十八条: which units a person's needs go to, each with the article that assigns the duty. */
@ApiTags('routing')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('routing')
export class RoutingController {
  @Post('proposals')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Propose the recipient units for a person’s needs, each with its article (第十条–第十八条)',
    description:
      'Writes nothing. The rules are data (libs/handoffs need-routing.ts): 第十条 education, 第十一条 civil affairs (orphans and de-facto unsupported ' +
      'children also under 第十一条 ¶2), 第十二条 justice, 第十三条 hrss, 第十四条 agriculture, 第十五条 medical security and health, 第十六条 veterans, ' +
      '第十七条 the three people’s organisations for minors, women and elders, 第十八条 the disabled persons’ federation (jobs; 0–6 rehabilitation). ' +
      'A referral that states `needs` must go to these units, or give `recipientReasons` for any other.',
  })
  @ApiBody({
    schema: { $ref: `#/components/schemas/${RoutingProposalRequest.name}` },
    examples: { orphan: { summary: '因案成为孤儿的未成年人', value: { needs: ['orphaned-child', 'psychological-counselling'], priorityGroups: ['minor'] } } },
  })
  @ApiOkResponse({ type: RoutingProposal })
  @ApiProblems(400, 401, 413)
  propose(@Body() body: RoutingProposalRequest): RoutingProposal {
    return {
      recipients: proposeRecipients(body).map((recipient) => ({ ...recipient, nameZh: unitName(recipient.unit) })),
    };
  }
}
